import { formatDuration } from './formatDuration.js';
import { plainStyle, type Style } from './Style.js';

/** One span as the API's trace view gives it: already depth-first, children after their parent. */
export interface WaterfallSpan {
  operationName: string;
  serviceName: string;
  status: string;
  statusMessage?: string | null;
  depth: number;
  offsetMs: number;
  durationMs: number;
  missingParent?: boolean;
}

export interface WaterfallOptions {
  /** Characters of the bar column (default 40). */
  barWidth?: number;
  /** Characters of the name column, indentation included (default 44). */
  nameWidth?: number;
  style?: Style;
}

function truncateTo(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/**
 * Renders a trace as a terminal waterfall (pure): one line per span, indented by depth under its
 * parent, a bar placed and sized on the trace's time axis (at least one cell, so instant spans show),
 * the duration, and errors marked `✗` with their message. A span whose parent is not stored is
 * marked `?`.
 */
export function renderWaterfall(spans: readonly WaterfallSpan[], options: WaterfallOptions = {}): string {
  const barWidth = options.barWidth ?? 40;
  const nameWidth = options.nameWidth ?? 44;
  const style = options.style ?? plainStyle;
  const totalMs = Math.max(...spans.map((s) => s.offsetMs + s.durationMs), 0);
  const scale = totalMs > 0 ? barWidth / totalMs : 0;
  const axis = `${'0'.padEnd(barWidth - formatDuration(totalMs).length)}${formatDuration(totalMs)}`;
  const lines = [`${' '.repeat(nameWidth)}  ${style.dim(axis)}`];
  for (const span of spans) {
    const start = Math.min(barWidth - 1, Math.floor(span.offsetMs * scale));
    const length = Math.max(1, Math.min(barWidth - start, Math.round(span.durationMs * scale)));
    const error = span.status === 'error';
    const bar = (error ? '▒' : '█').repeat(length);
    const track = `${' '.repeat(start)}${error ? style.red(bar) : style.green(bar)}${' '.repeat(barWidth - start - length)}`;
    const marker = error ? '✗ ' : span.missingParent ? '? ' : '';
    const label = truncateTo(
      `${'  '.repeat(span.depth)}${marker}${span.operationName} [${span.serviceName}]`,
      nameWidth,
    );
    const note = error && span.statusMessage ? `  ${style.red(span.statusMessage)}` : '';
    lines.push(`${error ? style.red(label) : label}  ${track}  ${formatDuration(span.durationMs)}${note}`);
  }
  return `${lines.join('\n')}\n`;
}
