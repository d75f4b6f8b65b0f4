import { parsePromQL } from '../../promql/parser.js';
import { typeOf } from '../../promql/typeCheck.js';

/**
 * Why `expr` cannot be the expression of a PromQL rule, or undefined when it can: it must parse and
 * evaluate to an instant vector or a scalar (what Prometheus's rule evaluation accepts). Pure.
 */
export function promqlExprProblem(expr: unknown): string | undefined {
  if (typeof expr !== 'string' || expr.trim() === '') return 'must be a PromQL expression';
  let type: string;
  try {
    type = typeOf(parsePromQL(expr));
  } catch (error) {
    return `PromQL: ${(error as Error).message}`;
  }
  if (type === 'vector' || type === 'scalar') return undefined;
  const name = type === 'matrix' ? 'a range vector' : 'a string';
  return `PromQL: the expression is ${name}; a rule needs an instant vector or a scalar`;
}
