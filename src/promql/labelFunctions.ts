/** label_replace, label_join and absent()'s labels. */
import type { VectorSelector } from './ast.js';
import { anchoredRegExp } from './labelMatch.js';
import { PromQLExecutionError } from './PromQLError.js';
import type { Labels } from './SampleSource.js';
import { mergeSameLabels, NAME, type StepSeries, type Value } from './values.js';

/** Labels of absent()'s output: the selector's equality matchers, except names matched twice. */
export function absentLabels(vs: VectorSelector): Record<string, string> {
  const labels: Record<string, string> = {};
  const seen = new Set<string>();
  for (const m of vs.matchers) {
    if (m.name === NAME) continue;
    if (m.type === '=' && !seen.has(m.name)) labels[m.name] = m.value;
    else delete labels[m.name];
    seen.add(m.name);
  }
  return labels;
}

function setLabel(labels: Labels, name: string, value: string): Labels {
  const out: Record<string, string> = { ...labels };
  if (value === '') delete out[name];
  else out[name] = value;
  return out;
}

/** Expands `$1`, `${1}`, `$name`, `${name}` and `$$` as Go's Regexp.ExpandString does. */
function expand(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(?:\$|\{([^}]*)\}|([A-Za-z0-9_]+))/g, (all, braced?: string, bare?: string) => {
    if (all === '$$') return '$';
    const name = braced ?? bare ?? '';
    if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
    return match.groups?.[name] ?? '';
  });
}

function relabel(
  series: readonly StepSeries[],
  dst: string,
  compute: (s: StepSeries) => string | undefined,
): Value {
  const out = series.map((s) => {
    const value = compute(s);
    if (value === undefined) return s;
    return { ...s, labels: setLabel(s.labels, dst, value), dropName: dst === NAME ? false : s.dropName };
  });
  return { kind: 'vector', series: mergeSameLabels(out) };
}

function checkLabelName(name: string, what: string, func: string): void {
  // Label names are non-empty valid UTF-8; U+FFFD stands for bytes that were not.
  if (name === '' || name.includes('\uFFFD')) {
    throw new PromQLExecutionError(`invalid ${what} label name in ${func}(): ${name}`);
  }
}

export function labelReplace(
  series: readonly StepSeries[],
  dst: string,
  repl: string,
  src: string,
  regex: string,
): Value {
  let re: RegExp;
  try {
    re = anchoredRegExp(regex);
  } catch {
    throw new PromQLExecutionError(`invalid regular expression in label_replace(): ${regex}`);
  }
  checkLabelName(dst, 'destination', 'label_replace');
  return relabel(series, dst, (s) => {
    const m = re.exec(s.labels[src] ?? '');
    return m ? expand(repl, m) : undefined;
  });
}

export function labelJoin(
  series: readonly StepSeries[],
  dst: string,
  sep: string,
  srcs: readonly string[],
): Value {
  for (const src of srcs) checkLabelName(src, 'source', 'label_join');
  checkLabelName(dst, 'destination', 'label_join');
  return relabel(series, dst, (s) => srcs.map((n) => s.labels[n] ?? '').join(sep));
}
