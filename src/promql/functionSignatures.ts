import type { ValueType } from './ast.js';

/** Argument and return types of a PromQL function, as the parser checks them. */
export interface FunctionSignature {
  readonly args: readonly ValueType[];
  /** 0: exactly `args`; n > 0: up to n trailing arguments optional; -1: the last one repeats. */
  readonly variadic: number;
  readonly returns: ValueType;
}

const V: ValueType = 'vector';
const M: ValueType = 'matrix';
const S: ValueType = 'scalar';
const STR: ValueType = 'string';

const sig = (args: ValueType[], returns: ValueType = V, variadic = 0): FunctionSignature => ({
  args,
  variadic,
  returns,
});

const vectorMath = [
  'abs',
  'ceil',
  'floor',
  'exp',
  'ln',
  'log2',
  'log10',
  'sqrt',
  'sgn',
  'acos',
  'acosh',
  'asin',
  'asinh',
  'atan',
  'atanh',
  'cos',
  'cosh',
  'sin',
  'sinh',
  'tan',
  'tanh',
  'deg',
  'rad',
  'sort',
  'sort_desc',
  'timestamp',
  'absent',
  'histogram_count',
  'histogram_sum',
  'histogram_avg',
  'histogram_stddev',
  'histogram_stdvar',
];
const overTime = [
  'avg_over_time',
  'count_over_time',
  'last_over_time',
  'first_over_time',
  'max_over_time',
  'min_over_time',
  'sum_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'present_over_time',
  'mad_over_time',
  'absent_over_time',
  'ts_of_first_over_time',
  'ts_of_last_over_time',
  'ts_of_max_over_time',
  'ts_of_min_over_time',
  'rate',
  'irate',
  'increase',
  'delta',
  'idelta',
  'deriv',
  'changes',
  'resets',
];
const dateFunctions = [
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
  'hour',
  'minute',
  'month',
  'year',
];

/** Every function the engine knows, by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map<string, FunctionSignature>([
  ...vectorMath.map((n) => [n, sig([V])] as const),
  ...overTime.map((n) => [n, sig([M])] as const),
  ...dateFunctions.map((n) => [n, sig([V], V, 1)] as const),
  ['clamp', sig([V, S, S])],
  ['clamp_max', sig([V, S])],
  ['clamp_min', sig([V, S])],
  ['round', sig([V, S], V, 1)],
  ['histogram_quantile', sig([S, V])],
  ['histogram_fraction', sig([S, S, V])],
  ['quantile_over_time', sig([S, M])],
  ['predict_linear', sig([M, S])],
  ['double_exponential_smoothing', sig([M, S, S])],
  ['label_replace', sig([V, STR, STR, STR, STR])],
  ['label_join', sig([V, STR, STR, STR], V, -1)],
  ['sort_by_label', sig([V, STR], V, -1)],
  ['sort_by_label_desc', sig([V, STR], V, -1)],
  ['scalar', sig([V], S)],
  ['vector', sig([S])],
  ['time', sig([], S)],
  ['pi', sig([], S)],
]);
