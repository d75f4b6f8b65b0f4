import type { HealthTransition } from '../../health/HealthChecker.js';

/** The last status change of each check and probe, fed by the HealthChecker's `onTransition`. */
export class HealthChangeLog {
  private readonly last = new Map<string, HealthTransition>();

  /** Pass as `new HealthChecker({ onTransition: log.record })`. */
  readonly record = (transition: HealthTransition): void => {
    this.last.set(`${transition.kind}:${transition.subject}`, transition);
  };

  /** The last change of a check or probe, undefined when it never changed since start. */
  lastChange(kind: HealthTransition['kind'], subject: string): HealthTransition | undefined {
    return this.last.get(`${kind}:${subject}`);
  }
}
