/**
 * The typed PromQL syntax tree the evaluator walks. Durations are resolved to milliseconds while
 * parsing; `pos` is the 0-based offset of the node in the query (for error positions).
 */
import type { LabelMatcher } from './SampleSource.js';

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** `@ <time>`, `@ start()` or `@ end()`. */
export type AtModifier = { readonly kind: 'time'; readonly ms: number } | { readonly kind: 'start' | 'end' };

export interface NumberLiteral {
  readonly type: 'number';
  readonly value: number;
  readonly pos: number;
}

export interface StringLiteral {
  readonly type: 'string';
  readonly value: string;
  readonly pos: number;
}

export interface VectorSelector {
  readonly type: 'vectorSelector';
  /** The metric name if given before the braces (also present as a `__name__` matcher). */
  readonly name: string | undefined;
  readonly matchers: readonly LabelMatcher[];
  offsetMs: number;
  at: AtModifier | undefined;
  readonly pos: number;
}

export interface MatrixSelector {
  readonly type: 'matrixSelector';
  readonly selector: VectorSelector;
  readonly rangeMs: number;
  readonly pos: number;
}

export interface SubqueryExpr {
  readonly type: 'subquery';
  readonly expr: Expr;
  readonly rangeMs: number;
  /** Absent: the engine's default subquery step. */
  readonly stepMs: number | undefined;
  offsetMs: number;
  at: AtModifier | undefined;
  readonly pos: number;
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values'
  | 'limitk'
  | 'limit_ratio';

export interface AggregateExpr {
  readonly type: 'aggregate';
  readonly op: AggregateOp;
  readonly expr: Expr;
  /** The parameter of topk, bottomk, quantile, count_values, limitk, limit_ratio. */
  readonly param: Expr | undefined;
  readonly grouping: readonly string[];
  readonly without: boolean;
  readonly pos: number;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | 'atan2'
  | '=='
  | '!='
  | '>'
  | '<'
  | '>='
  | '<='
  | 'and'
  | 'or'
  | 'unless';

export interface VectorMatching {
  /** `one-to-one`, or the side with many series for group_left/group_right. */
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** `on(...)` when true, `ignoring(...)` (or no clause) when false. */
  readonly on: boolean;
  readonly labels: readonly string[];
  /** The labels listed in group_left(...)/group_right(...), copied from the "one" side. */
  readonly include: readonly string[];
}

export interface BinaryExpr {
  readonly type: 'binary';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** `bool` modifier of a comparison. */
  readonly returnBool: boolean;
  /** Present when both sides are instant vectors. */
  readonly matching: VectorMatching | undefined;
  readonly pos: number;
}

export interface UnaryExpr {
  readonly type: 'unary';
  readonly op: '-' | '+';
  readonly expr: Expr;
  readonly pos: number;
}

export interface ParenExpr {
  readonly type: 'paren';
  readonly expr: Expr;
  readonly pos: number;
}

export interface Call {
  readonly type: 'call';
  readonly func: string;
  readonly args: readonly Expr[];
  readonly pos: number;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | AggregateExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr
  | Call;
