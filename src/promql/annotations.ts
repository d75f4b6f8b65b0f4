/** Warnings and infos of a query, as Prometheus's API reports them next to the result. */

export interface Annotation {
  readonly kind: 'warning' | 'info';
  readonly message: string;
  /** Offset of the expression the annotation is about. */
  readonly pos: number;
}

export type Annotate = (kind: Annotation['kind'], message: string, pos: number) => void;

export class Annotations {
  private readonly seen = new Map<string, Annotation>();

  readonly add: Annotate = (kind, message, pos) => {
    const key = `${kind}\x00${message}\x00${pos}`;
    if (!this.seen.has(key)) this.seen.set(key, { kind, message, pos });
  };

  /** Messages ending in `(line:column)` of the expression, warnings and infos apart. */
  render(query: string): { warnings: string[]; infos: string[] } {
    const warnings: string[] = [];
    const infos: string[] = [];
    for (const a of this.seen.values()) {
      const before = query.slice(0, a.pos);
      const line = before.split('\n').length;
      const column = a.pos - before.lastIndexOf('\n');
      const prefix = a.kind === 'warning' ? 'PromQL warning' : 'PromQL info';
      (a.kind === 'warning' ? warnings : infos).push(`${prefix}: ${a.message} (${line}:${column})`);
    }
    return { warnings, infos };
  }
}

/** Warns once when a quantile parameter is outside [0, 1] at any step. */
export function checkQuantile(values: Float64Array, pos: number, annotate: Annotate): void {
  for (const q of values) {
    if (q >= 0 && q <= 1) continue;
    annotate('warning', `quantile value should be between 0 and 1, got ${q}`, pos);
    return;
  }
}
