/**
 * Reader of Prometheus's PromQL test scripts (`load`, `clear`, `eval instant|range` with `expect`
 * lines and expected series in the series notation, e.g. `1+2x3 _ stale Inf`).
 */
import { parseDurationMs, unquoteString } from '../../src/promql/literals.js';
import type { Labels } from '../../src/promql/SampleSource.js';

/** One point of a series notation: a value, a staleness marker, or nothing (`_`). */
export type Point = { kind: 'value'; value: number } | { kind: 'stale' } | { kind: 'blank' };

export interface SeriesSpec {
  readonly labels: Labels;
  readonly points: Point[];
  /** Uses a notation beyond float samples: `{{...}}` native histograms or `@st` start times. */
  readonly nonFloat: boolean;
}

export interface LoadCommand {
  readonly kind: 'load';
  readonly intervalMs: number;
  readonly series: SeriesSpec[];
}

export interface AnnotationExpectation {
  readonly kind: 'warn' | 'info';
  readonly msg?: string;
  readonly regex?: RegExp;
}

export interface EvalCommand {
  readonly kind: 'eval';
  readonly line: number;
  readonly query: string;
  readonly instant: boolean;
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  readonly expectFail: { readonly msg?: string; readonly regex?: RegExp } | undefined;
  readonly ordered: boolean;
  /** `expect warn|info [msg:|regex:]` lines. */
  readonly annotations: readonly AnnotationExpectation[];
  readonly noWarn: boolean;
  readonly noInfo: boolean;
  readonly expectString: string | undefined;
  readonly rangeVector: { startMs: number; endMs: number; stepMs: number } | undefined;
  /** A bare number line: the expected scalar. */
  readonly scalar: number | undefined;
  readonly series: SeriesSpec[];
  /** The loads in effect (since the last `clear`). */
  readonly loads: readonly LoadCommand[];
}

export function parseTime(text: string): number {
  return parseDurationMs(text) ?? Number(text) * 1000;
}

function parseValue(text: string): number {
  const t = text.toLowerCase();
  if (t === 'inf' || t === '+inf') return Number.POSITIVE_INFINITY;
  if (t === '-inf') return Number.NEGATIVE_INFINITY;
  if (t === 'nan') return Number.NaN;
  if (/^[+-]?0x[0-9a-f]+$/.test(t)) return Number.parseInt(t, 16);
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v)) throw new Error(`invalid value ${text}`);
  return v;
}

const NUM = '[+-]?(?:[0-9.]+(?:[eE][+-]?[0-9]+)?|Inf|NaN|inf|nan)';
const SEQUENCE = new RegExp(`^(${NUM})(?:([+-])(${NUM.slice(5)}))?x(\\d+)$`);

/** Expands the series notation of a load line or an expected range result. */
export function parsePoints(text: string): Point[] {
  const out: Point[] = [];
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    if (token === '_') {
      out.push({ kind: 'blank' });
      continue;
    }
    const blanks = /^_x(\d+)$/.exec(token);
    if (blanks) {
      for (let i = 0; i < Number(blanks[1]); i++) out.push({ kind: 'blank' });
      continue;
    }
    if (token === 'stale') {
      out.push({ kind: 'stale' });
      continue;
    }
    const seq = SEQUENCE.exec(token);
    if (seq) {
      let v = parseValue(seq[1]!);
      const delta = seq[3] === undefined ? 0 : parseValue(seq[3]) * (seq[2] === '-' ? -1 : 1);
      for (let i = 0; i <= Number(seq[4]); i++) {
        out.push({ kind: 'value', value: v });
        v += delta;
      }
      continue;
    }
    out.push({ kind: 'value', value: parseValue(token) });
  }
  return out;
}

/** Splits `metric{a="b"} rest` into labels and the rest of the line. */
export function parseSeriesLine(line: string): { labels: Labels; rest: string } {
  const labels: Record<string, string> = {};
  let i = 0;
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (name) {
    labels.__name__ = name[0];
    i = name[0].length;
  }
  if (line[i] === '{') {
    i++;
    const readString = (): string => {
      const q = line[i]!;
      let j = i + 1;
      while (j < line.length && line[j] !== q) j += line[j] === '\\' ? 2 : 1;
      const s = unquoteString(line.slice(i, j + 1));
      i = j + 1;
      return s;
    };
    const skip = () => {
      while (line[i] === ' ' || line[i] === ',') i++;
    };
    skip();
    while (i < line.length && line[i] !== '}') {
      let labelName: string;
      if (line[i] === '"' || line[i] === "'") labelName = readString();
      else {
        const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i))!;
        labelName = m[0];
        i += m[0].length;
      }
      while (line[i] === ' ') i++;
      if (line[i] === '=') {
        i++;
        while (line[i] === ' ') i++;
        labels[labelName] = readString();
      } else {
        labels.__name__ = labelName;
      }
      skip();
    }
    i++;
  }
  return { labels, rest: line.slice(i) };
}

function parseSeries(line: string): SeriesSpec {
  const { labels, rest } = parseSeriesLine(line);
  if (rest.includes('{{') || rest.startsWith('@')) return { labels, points: [], nonFloat: true };
  return { labels, points: parsePoints(rest), nonFloat: false };
}

/** `load_with_nhcb` also stores each classic histogram as a native histogram named without `_bucket`. */
function nhcbOf(bucket: SeriesSpec): SeriesSpec {
  const { le: _, ...labels } = bucket.labels;
  return {
    labels: { ...labels, __name__: labels.__name__!.slice(0, -'_bucket'.length) },
    points: [],
    nonFloat: true,
  };
}

const INSTANT = /^eval(?:_(fail|warn|info|ordered))?\s+instant\s+at\s+(\S+)\s+(.+)$/;
const RANGE =
  /^eval(?:_(fail|warn|info|ordered))?\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$/;

/** Parses a whole script into its load and eval commands (clears reset the loads in effect). */
export function parseScript(text: string): { loads: LoadCommand[]; evals: EvalCommand[] } {
  const lines = text.split('\n');
  const loads: LoadCommand[] = [];
  const evals: EvalCommand[] = [];
  let active: LoadCommand[] = [];
  let i = 0;
  const body = (): { line: string; n: number }[] => {
    const out: { line: string; n: number }[] = [];
    while (i < lines.length) {
      const raw = lines[i]!;
      const trimmed = raw.trim();
      if (trimmed === '' || /^(eval|load|clear\b)/.test(trimmed)) break;
      if (!trimmed.startsWith('#')) out.push({ line: trimmed, n: i + 1 });
      i++;
    }
    return out;
  };
  while (i < lines.length) {
    const line = lines[i]!.trim();
    const lineNo = i + 1;
    i++;
    if (line === '' || line.startsWith('#')) continue;
    if (line === 'clear') {
      active = [];
      continue;
    }
    const load = /^load(_with_nhcb)?\s+(\S+)/.exec(line);
    if (load) {
      const series = body().map((b) => parseSeries(b.line));
      if (load[1]) series.push(...series.filter((s) => s.labels.__name__?.endsWith('_bucket')).map(nhcbOf));
      const cmd: LoadCommand = { kind: 'load', intervalMs: parseTime(load[2]!), series };
      loads.push(cmd);
      active = [...active, cmd];
      continue;
    }
    const instant = INSTANT.exec(line);
    const range = RANGE.exec(line);
    if (!instant && !range) throw new Error(`line ${lineNo}: unknown command ${line}`);
    const legacy = (instant ?? range)![1];
    let expectFail: EvalCommand['expectFail'] = legacy === 'fail' ? {} : undefined;
    let ordered = legacy === 'ordered';
    const annotations: AnnotationExpectation[] = [];
    if (legacy === 'warn' || legacy === 'info') annotations.push({ kind: legacy });
    let noWarn = false;
    let noInfo = false;
    let expectString: string | undefined;
    let rangeVector: EvalCommand['rangeVector'];
    let scalar: number | undefined;
    const series: SeriesSpec[] = [];
    for (const { line: b } of body()) {
      const expect = /^expect\s+(fail|warn|info|no_info|no_warn|ordered|string|range vector)\b\s*(.*)$/.exec(
        b,
      );
      if (expect) {
        const [, type, arg = ''] = expect;
        const msg = /^msg:\s*(.*)$/.exec(arg)?.[1];
        const regex = /^regex:\s*(.*)$/.exec(arg)?.[1];
        const match = {
          ...(msg !== undefined ? { msg } : {}),
          ...(regex !== undefined ? { regex: new RegExp(regex) } : {}),
        };
        if (type === 'fail') expectFail = match;
        else if (type === 'ordered') ordered = true;
        else if (type === 'warn' || type === 'info') annotations.push({ kind: type, ...match });
        else if (type === 'no_warn') noWarn = true;
        else if (type === 'no_info') noInfo = true;
        else if (type === 'string') expectString = unquoteString(arg.trim());
        else if (type === 'range vector') {
          const m = /from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)/.exec(arg)!;
          rangeVector = { startMs: parseTime(m[1]!), endMs: parseTime(m[2]!), stepMs: parseTime(m[3]!) };
        }
        continue;
      }
      if (/^[-+]?(\d|Inf|NaN|\.)/i.test(b) && !b.includes('{')) scalar = parseValue(b.split(/\s+/)[0]!);
      else series.push(parseSeries(b));
    }
    evals.push({
      kind: 'eval',
      line: lineNo,
      query: (instant ? instant[3] : range![5])!,
      instant: !!instant,
      startMs: parseTime((instant ? instant[2] : range![2])!),
      endMs: parseTime((instant ? instant[2] : range![3])!),
      stepMs: instant ? 0 : parseTime(range![4]!),
      expectFail,
      ordered,
      annotations,
      noWarn,
      noInfo,
      expectString,
      rangeVector,
      scalar,
      series,
      loads: active,
    });
  }
  return { loads, evals };
}
