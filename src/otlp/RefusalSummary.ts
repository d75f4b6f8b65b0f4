/** Distinct groups named in the message; the count stays exact beyond it. */
const MAX_GROUPS = 10;

/**
 * Items refused while storing an OTLP request, summarized for its partial-success message: grouped
 * by kind, each group told by its first example, e.g.
 * `2 span(s) refused: start time 1970-01-01T00:00:00Z is older than the 30-day retention (and 1 more like it)`.
 */
export class RefusalSummary {
  private total = 0;
  private readonly groups = new Map<string, { example: string; count: number }>();
  private otherGroups = 0;

  /** @param itemName what is refused, singular: `span` or `data point`. */
  constructor(private readonly itemName: string) {}

  /** Counts one refused item; `kind` groups items refused for the same reason, `text` says why. */
  add(kind: string, text: string): void {
    this.total++;
    const group = this.groups.get(kind);
    if (group) group.count++;
    else if (this.groups.size < MAX_GROUPS) this.groups.set(kind, { example: text, count: 1 });
    else this.otherGroups++;
  }

  /** Items refused. */
  get count(): number {
    return this.total;
  }

  /** The message, '' when nothing was refused. */
  message(): string {
    if (this.total === 0) return '';
    const parts = [...this.groups.values()].map(({ example, count }) =>
      count > 1 ? `${example} (and ${count - 1} more like it)` : example,
    );
    if (this.otherGroups > 0) parts.push(`${this.otherGroups} for other reasons`);
    return `${this.total} ${this.itemName}(s) refused: ${parts.join('; ')}`;
  }
}
