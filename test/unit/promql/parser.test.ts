import { describe, expect, it } from 'vitest';
import type { BinaryExpr, Expr } from '../../../src/promql/ast.js';
import { PromQLParseError, parsePromQL } from '../../../src/promql/index.js';

function value(e: Expr): number {
  if (e.type !== 'number') throw new Error(`not a number literal: ${e.type}`);
  return e.value;
}

function parseError(query: string): PromQLParseError {
  try {
    parsePromQL(query);
  } catch (e) {
    if (e instanceof PromQLParseError) return e;
    throw e;
  }
  throw new Error(`${query} parsed`);
}

describe('parsePromQL', () => {
  it('reads number literals: hex, exponent, separators, Inf, NaN, durations, trailing point', () => {
    expect(value(parsePromQL('0x1F'))).toBe(31);
    expect(value(parsePromQL('1.5e3'))).toBe(1500);
    expect(value(parsePromQL('1_000'))).toBe(1000);
    expect(value(parsePromQL('-Inf'))).toBe(Number.NEGATIVE_INFINITY);
    expect(value(parsePromQL('NaN'))).toBeNaN();
    expect(value(parsePromQL('1h30m'))).toBe(5400);
    expect(value(parsePromQL('2.'))).toBe(2);
  });

  it('unquotes strings with Go escapes and keeps raw strings raw', () => {
    const e = parsePromQL(`label_join(m, "a\\tb\\u00e9", '\\x41', \`raw\\n\`)`);
    if (e.type !== 'call') throw new Error(e.type);
    expect(e.args.slice(1).map((a) => (a.type === 'string' ? a.value : undefined))).toEqual([
      'a\tbé',
      'A',
      'raw\\n',
    ]);
  });

  it('binds ^ right-associatively and tighter than unary minus', () => {
    const e = parsePromQL('2 ^ 3 ^ 2') as BinaryExpr;
    expect(e.op).toBe('^');
    expect(value(e.lhs)).toBe(2);
    expect((e.rhs as BinaryExpr).op).toBe('^');
    const neg = parsePromQL('-2 ^ 2');
    expect(neg.type).toBe('unary');
  });

  it('applies offset (negative too) and @ to the selector they follow', () => {
    const e = parsePromQL('rate(m[5m] offset -1m @ 100) + n @ end()') as BinaryExpr;
    if (e.lhs.type !== 'call' || e.lhs.args[0]?.type !== 'matrixSelector') throw new Error('shape');
    const sel = e.lhs.args[0].selector;
    expect(sel.offsetMs).toBe(-60_000);
    expect(sel.at).toEqual({ kind: 'time', ms: 100_000 });
    expect(e.lhs.args[0].rangeMs).toBe(300_000);
    if (e.rhs.type !== 'vectorSelector') throw new Error('shape');
    expect(e.rhs.at).toEqual({ kind: 'end' });
  });

  it('reads subqueries with and without a step', () => {
    const e = parsePromQL('max_over_time(rate(m[1m])[10m:30s])');
    if (e.type !== 'call' || e.args[0]?.type !== 'subquery') throw new Error('shape');
    expect(e.args[0].rangeMs).toBe(600_000);
    expect(e.args[0].stepMs).toBe(30_000);
    const noStep = parsePromQL('m[5m:]');
    expect(noStep.type === 'subquery' && noStep.stepMs).toBeUndefined();
  });

  it('reads vector matching and grouping modifiers', () => {
    const e = parsePromQL('a > bool on(x, y) group_left(z) b') as BinaryExpr;
    expect(e.returnBool).toBe(true);
    expect(e.matching).toEqual({ card: 'many-to-one', on: true, labels: ['x', 'y'], include: ['z'] });
    const agg = parsePromQL('topk without (instance) (3, m)');
    expect(agg.type === 'aggregate' && [agg.op, agg.without, agg.grouping]).toEqual([
      'topk',
      true,
      ['instance'],
    ]);
    const set = parsePromQL('a unless ignoring(job) b') as BinaryExpr;
    expect(set.matching?.card).toBe('many-to-many');
  });

  it('reports type errors with the position of the offending expression', () => {
    const e = parseError('sum(rate(m))');
    expect(e.message).toBe(
      'parse error: expected type range vector in call to function "rate", got instant vector (1:10)',
    );
    expect(e.position).toEqual({ line: 1, column: 10, offset: 9 });
    expect(e.kind).toBe('bad_data');
    expect(e.code).toBe('PGTEL_INVALID');
  });

  it('rejects what Prometheus rejects', () => {
    expect(parseError('1 > 2').message).toContain('comparisons between scalars must use BOOL modifier');
    expect(parseError('a and 1').message).toContain(
      'set operator "and" not allowed in binary scalar expression',
    );
    expect(parseError('{}').message).toContain('vector selector must contain at least one non-empty matcher');
    expect(parseError('sum(m) offset 5m').message).toContain('offset modifier must be preceded by');
    expect(parseError('m offset 1m offset 2m').message).toContain('offset may not be set multiple times');
    expect(parseError('a + on(x) group_left(x) b').message).toContain(
      'must not occur in ON and GROUP clause',
    );
    expect(parseError('sum(').message).toContain('unexpected end of input');
    expect(parseError('foo(bar)').message).toBe('parse error: unknown function with name "foo" (1:1)');
    expect(parseError('m{a=~"("}').message).toContain('invalid regular expression');
    expect(parseError('\n  rate(m)').position.line).toBe(2);
  });
});
