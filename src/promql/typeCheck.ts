/** Static types of PromQL expressions and the type rules Prometheus's parser enforces. */
import type { Expr, ValueType } from './ast.js';
import { FUNCTIONS } from './functionSignatures.js';

const TYPE_NAMES: Record<ValueType, string> = {
  scalar: 'scalar',
  vector: 'instant vector',
  matrix: 'range vector',
  string: 'string',
};

/** The type an expression evaluates to. */
export function typeOf(e: Expr): ValueType {
  switch (e.type) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vectorSelector':
    case 'aggregate':
      return 'vector';
    case 'matrixSelector':
    case 'subquery':
      return 'matrix';
    case 'paren':
    case 'unary':
      return typeOf(e.expr);
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'call':
      return FUNCTIONS.get(e.func)?.returns ?? 'vector';
  }
}

type Fail = (message: string, pos: number) => never;

function expectType(e: Expr, want: ValueType, context: string, fail: Fail): void {
  const got = typeOf(e);
  if (got !== want) fail(`expected type ${TYPE_NAMES[want]} in ${context}, got ${TYPE_NAMES[got]}`, e.pos);
}

const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);

/** Checks the whole tree, calling `fail` with Prometheus's message at the first violation. */
export function checkTypes(e: Expr, fail: Fail): void {
  switch (e.type) {
    case 'paren':
    case 'subquery':
      checkTypes(e.expr, fail);
      return;
    case 'unary': {
      const t = typeOf(e.expr);
      if (t !== 'scalar' && t !== 'vector') {
        fail('unary expression only allowed on expressions of type scalar or instant vector', e.pos);
      }
      checkTypes(e.expr, fail);
      return;
    }
    case 'aggregate': {
      if (e.op === 'count_values') expectType(e.param!, 'string', 'aggregation parameter', fail);
      else if (e.param) expectType(e.param, 'scalar', 'aggregation parameter', fail);
      expectType(e.expr, 'vector', 'aggregation expression', fail);
      if (e.param) checkTypes(e.param, fail);
      checkTypes(e.expr, fail);
      return;
    }
    case 'binary': {
      const lt = typeOf(e.lhs);
      const rt = typeOf(e.rhs);
      const ok = (t: ValueType) => t === 'scalar' || t === 'vector';
      if (!ok(lt) || !ok(rt))
        fail('binary expression must contain only scalar and instant vector types', e.pos);
      if (e.returnBool && !COMPARISONS.has(e.op))
        fail('bool modifier can only be used on comparison operators', e.pos);
      if (COMPARISONS.has(e.op) && !e.returnBool && lt === 'scalar' && rt === 'scalar') {
        fail('comparisons between scalars must use BOOL modifier', e.pos);
      }
      if (SET_OPS.has(e.op) && (lt === 'scalar' || rt === 'scalar')) {
        fail(`set operator "${e.op}" not allowed in binary scalar expression`, e.pos);
      }
      if (e.matching && (lt !== 'vector' || rt !== 'vector')) {
        if (e.matching.labels.length > 0 || e.matching.on || e.matching.include.length > 0) {
          fail('vector matching only allowed between instant vectors', e.pos);
        }
      }
      checkTypes(e.lhs, fail);
      checkTypes(e.rhs, fail);
      return;
    }
    case 'call': {
      const sig = FUNCTIONS.get(e.func);
      if (!sig) fail(`unknown function with name "${e.func}"`, e.pos);
      const n = e.args.length;
      const min = sig.variadic === 0 ? sig.args.length : sig.args.length - Math.abs(sig.variadic);
      const max = sig.variadic < 0 ? Number.POSITIVE_INFINITY : sig.args.length;
      if (n < min || n > max) {
        const expected =
          sig.variadic === 0
            ? String(sig.args.length)
            : sig.variadic < 0
              ? `at least ${min}`
              : `at most ${max}`;
        fail(`expected ${expected} argument(s) in call to "${e.func}", got ${n}`, e.pos);
      }
      e.args.forEach((a, i) => {
        const want = sig.args[Math.min(i, sig.args.length - 1)]!;
        expectType(a, want, `call to function "${e.func}"`, fail);
        checkTypes(a, fail);
      });
      return;
    }
    default:
      return;
  }
}
