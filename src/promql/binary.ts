/** Binary operators: scalar/scalar, vector/scalar, vector matching and set operators. */
import type { BinaryExpr, BinaryOp, VectorMatching } from './ast.js';
import { PromQLExecutionError } from './PromQLError.js';
import type { Labels } from './SampleSource.js';
import { compareLabels } from './sortFunctions.js';
import {
  labelsKey,
  mergeSameLabels,
  newStepSeries,
  type StepSeries,
  signature,
  type Value,
} from './values.js';

const ARITHMETIC = new Set<BinaryOp>(['+', '-', '*', '/', '%', '^', 'atan2']);
const COMPARISON = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);

function pow(x: number, y: number): number {
  // Go's math.Pow: Pow(1, y) = 1 and Pow(-1, ±Inf) = 1 for any y; JavaScript says NaN.
  if (x === 1 || (x === -1 && !Number.isFinite(y) && !Number.isNaN(y))) return 1;
  return x ** y;
}

/** The arithmetic result, or for comparisons 1/0 (true/false). */
function apply(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return l % r;
    case '^':
      return pow(l, r);
    case 'atan2':
      return Math.atan2(l, r);
    case '==':
      return l === r ? 1 : 0;
    case '!=':
      return l !== r ? 1 : 0;
    case '>':
      return l > r ? 1 : 0;
    case '<':
      return l < r ? 1 : 0;
    case '>=':
      return l >= r ? 1 : 0;
    case '<=':
      return l <= r ? 1 : 0;
    default:
      throw new PromQLExecutionError(`operator "${op}" not allowed here`);
  }
}

/** Value of `l op r` for one sample pair; undefined when a comparison filters it out. */
function elem(e: BinaryExpr, l: number, r: number, keepValue: number): number | undefined {
  const v = apply(e.op, l, r);
  if (!COMPARISON.has(e.op)) return v;
  if (e.returnBool) return v;
  return v === 1 ? keepValue : undefined;
}

function vectorScalar(
  e: BinaryExpr,
  series: readonly StepSeries[],
  scalar: Float64Array,
  swap: boolean,
): Value {
  const dropName = ARITHMETIC.has(e.op) || e.returnBool;
  const out: StepSeries[] = [];
  for (const s of series) {
    const r = newStepSeries(s.labels, scalar.length, s.dropName || dropName);
    for (let i = 0; i < scalar.length; i++) {
      if (!s.present[i]) continue;
      const x = s.values[i]!;
      const v = swap ? elem(e, scalar[i]!, x, x) : elem(e, x, scalar[i]!, x);
      if (v === undefined) continue;
      r.values[i] = v;
      r.present[i] = 1;
    }
    if (r.present.includes(1)) out.push(r);
  }
  return { kind: 'vector', series: out };
}

function sigOf(m: VectorMatching): (l: Labels) => string {
  return (l) => signature(l, m.labels, m.on);
}

function setOperation(e: BinaryExpr, lhs: StepSeries[], rhs: StepSeries[], steps: number): Value {
  const sig = sigOf(e.matching!);
  const lsig = lhs.map((s) => sig(s.labels));
  const rsig = rhs.map((s) => sig(s.labels));
  const filter = (series: StepSeries, keep: (i: number) => boolean): StepSeries | undefined => {
    const r = newStepSeries(series.labels, steps, series.dropName);
    for (let i = 0; i < steps; i++) {
      if (series.present[i] && keep(i)) {
        r.values[i] = series.values[i]!;
        r.present[i] = 1;
      }
    }
    return r.present.includes(1) ? r : undefined;
  };
  const sigsAt = (series: StepSeries[], sigs: string[]) =>
    Array.from({ length: steps }, (_, i) => new Set(sigs.filter((_, j) => series[j]!.present[i])));
  const out: StepSeries[] = [];
  if (e.op === 'or') {
    const left = sigsAt(lhs, lsig);
    out.push(...lhs);
    rhs.forEach((s, j) => {
      const r = filter(s, (i) => !left[i]!.has(rsig[j]!));
      if (r) out.push(r);
    });
    return { kind: 'vector', series: mergeSameLabels(out) };
  }
  const right = sigsAt(rhs, rsig);
  lhs.forEach((s, j) => {
    const r = filter(s, (i) => right[i]!.has(lsig[j]!) === (e.op === 'and'));
    if (r) out.push(r);
  });
  return { kind: 'vector', series: out };
}

function labelsString(l: Labels): string {
  const parts = Object.keys(l)
    .sort()
    .map((k) => `${k}=${JSON.stringify(l[k])}`);
  return `{${parts.join(', ')}}`;
}

function resultLabels(many: Labels, one: Labels, m: VectorMatching): Labels {
  let out: Record<string, string>;
  if (m.card === 'one-to-one') {
    if (m.on) {
      out = {};
      for (const n of m.labels) if (many[n] !== undefined) out[n] = many[n];
    } else {
      out = { ...many };
      for (const n of m.labels) delete out[n];
    }
  } else {
    out = { ...many };
  }
  for (const n of m.include) {
    const v = one[n];
    if (v !== undefined && v !== '') out[n] = v;
    else delete out[n];
  }
  return out;
}

function vectorVector(e: BinaryExpr, lhsIn: StepSeries[], rhsIn: StepSeries[], steps: number): Value {
  const m = e.matching!;
  const swap = m.card === 'one-to-many';
  const many = swap ? rhsIn : lhsIn;
  const one = swap ? lhsIn : rhsIn;
  const sig = sigOf(m);
  const oneBySig = new Map<string, number[]>();
  one.forEach((s, j) => {
    const k = sig(s.labels);
    const list = oneBySig.get(k);
    if (list) list.push(j);
    else oneBySig.set(k, [j]);
  });
  const manySig = many.map((s) => sig(s.labels));
  const dropOp = ARITHMETIC.has(e.op) || e.returnBool;
  const outIndex = new Map<string, StepSeries>();
  const pairLabels = new Map<number, Labels>();
  const out: StepSeries[] = [];
  for (let i = 0; i < steps; i++) {
    const matched = new Map<string, Set<string> | null>();
    many.forEach((ls, li) => {
      if (!ls.present[i]) return;
      const candidates = oneBySig.get(manySig[li]!);
      if (!candidates) return;
      let rj = -1;
      for (const j of candidates) {
        if (!one[j]!.present[i]) continue;
        if (rj >= 0) {
          throw new PromQLExecutionError(
            `found duplicate series for the match group ${labelsString(resultLabels(one[j]!.labels, {}, { ...m, card: 'one-to-one', on: true, labels: m.on ? m.labels : [] }))} on the ${swap ? 'left' : 'right'} hand-side of the operation: [${[one[rj]!.labels, one[j]!.labels].sort(compareLabels).map(labelsString).join(', ')}];many-to-many matching not allowed: matching labels must be unique on one side`,
          );
        }
        rj = j;
      }
      if (rj < 0) return;
      const rs = one[rj]!;
      const pairKey = li * one.length + rj;
      let labels = pairLabels.get(pairKey);
      if (!labels) {
        labels = resultLabels(ls.labels, rs.labels, m);
        pairLabels.set(pairKey, labels);
      }
      const msig = manySig[li]!;
      // Matching errors are raised before comparisons filter samples out, as Prometheus does.
      if (m.card === 'one-to-one') {
        if (matched.has(msig)) {
          throw new PromQLExecutionError(
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
          );
        }
        matched.set(msig, null);
      } else {
        let inserted = matched.get(msig);
        if (!inserted) {
          inserted = new Set();
          matched.set(msig, inserted);
        }
        const rk = labelsKey(labels);
        if (inserted.has(rk)) {
          throw new PromQLExecutionError(
            'multiple matches for labels: grouping labels must ensure unique matches',
          );
        }
        inserted.add(rk);
      }
      const fl = swap ? rs.values[i]! : ls.values[i]!;
      const fr = swap ? ls.values[i]! : rs.values[i]!;
      const v = elem(e, fl, fr, fl);
      if (v === undefined) return;
      const key = labelsKey(labels);
      let o = outIndex.get(key);
      if (!o) {
        o = newStepSeries(labels, steps, dropOp || ls.dropName);
        outIndex.set(key, o);
        out.push(o);
      }
      if (o.present[i])
        throw new PromQLExecutionError('vector cannot contain metrics with the same labelset');
      o.values[i] = v;
      o.present[i] = 1;
    });
  }
  return { kind: 'vector', series: out };
}

/** Evaluates `lhs op rhs` for all steps. */
export function binary(e: BinaryExpr, lhs: Value, rhs: Value, steps: number): Value {
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
    const values = new Float64Array(steps);
    for (let i = 0; i < steps; i++) values[i] = apply(e.op, lhs.values[i]!, rhs.values[i]!);
    return { kind: 'scalar', values };
  }
  if (lhs.kind === 'vector' && rhs.kind === 'scalar') return vectorScalar(e, lhs.series, rhs.values, false);
  if (lhs.kind === 'scalar' && rhs.kind === 'vector') return vectorScalar(e, rhs.series, lhs.values, true);
  if (lhs.kind !== 'vector' || rhs.kind !== 'vector') {
    throw new PromQLExecutionError('binary expression must contain only scalar and instant vector types');
  }
  if (e.op === 'and' || e.op === 'or' || e.op === 'unless')
    return setOperation(e, lhs.series, rhs.series, steps);
  return vectorVector(e, lhs.series, rhs.series, steps);
}
