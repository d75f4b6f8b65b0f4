import { renderTable } from './renderTable.js';

/** One line of a metric over time: its labels and `[epoch ms of the step start, value]` points. */
export interface StepLine {
  labels: Record<string, string>;
  points: readonly (readonly [number, number | null])[];
}

/** A line's column heading: its labels as `k=v,...`, or `value` for the one line of all series. */
export function lineName(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return pairs.length === 0 ? 'value' : pairs.join(',');
}

function formatValue(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : String(Number(value.toPrecision(6)));
}

/**
 * A metric's values as a table of time steps (rows, oldest first) by lines (columns), `-` where a
 * line has no value in a step (pure).
 */
export function renderStepTable(lines: readonly StepLine[]): string {
  const values = lines.map((line) => new Map(line.points.map(([at, value]) => [at, value])));
  const steps = [...new Set(lines.flatMap((line) => line.points.map(([at]) => at)))].sort((a, b) => a - b);
  return renderTable(
    ['time', ...lines.map((line) => lineName(line.labels))],
    steps.map((at) => [
      new Date(at).toISOString().replace('.000Z', 'Z'),
      ...values.map((byStep) => formatValue(byStep.get(at))),
    ]),
  );
}
