import type { Logger } from './logger.js';

/**
 * The one setup of something a process has once (tracing, logging): a second call returns the
 * first's promise (warning when it passed options, which are then ignored), a failed setup may be
 * tried again, and `clear()` (called by the setup's shutdown) allows a new one.
 */
export class SingleSetup<T> {
  private current: Promise<T> | undefined;

  /** @param what what is set up, for the warning: `tracing`, `logging`. */
  constructor(private readonly what: string) {}

  /** The setup in place, else the one `create` starts. */
  run(options: object, logger: Logger, create: () => Promise<T>): Promise<T> {
    if (this.current) {
      if (Object.keys(options).length > 0) {
        logger.warn(
          `${this.what} is already set up; returning the existing setup (call shutdown() to change it)`,
        );
      }
      return this.current;
    }
    const setup = create();
    this.current = setup;
    setup.catch(() => {
      if (this.current === setup) this.current = undefined;
    });
    return setup;
  }

  clear(): void {
    this.current = undefined;
  }
}
