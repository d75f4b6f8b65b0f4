/**
 * Parses PromQL with the Prometheus project's lezer grammar and converts the syntax tree into the
 * typed AST of `ast.ts`, type-checking it as Prometheus's parser does.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import type {
  AggregateExpr,
  AggregateOp,
  AtModifier,
  BinaryOp,
  Expr,
  SubqueryExpr,
  ValueType,
  VectorMatching,
  VectorSelector,
} from './ast.js';
import { anchoredRegExp } from './labelMatch.js';
import { blankTrailingPoints, parseDurationMs, parseNumber, unquoteString } from './literals.js';
import type { LabelMatcher, MatchType } from './SampleSource.js';
import { findSyntaxError, parseError } from './syntaxErrors.js';
import { checkTypes, typeOf } from './typeCheck.js';

const BINARY_OPS: Record<string, BinaryOp> = {
  Pow: '^',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Atan2: 'atan2',
  Add: '+',
  Sub: '-',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};

const MATCH_OPS: Record<string, MatchType> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** Converts one query; `fail` raises a parse error at a node. */
class Converter {
  constructor(private readonly query: string) {}

  fail(message: string, offset: number): never {
    throw parseError(this.query, message, offset);
  }

  text(node: SyntaxNode): string {
    return this.query.slice(node.from, node.to);
  }

  expr(node: SyntaxNode): Expr {
    const kids = children(node);
    switch (node.name) {
      case 'NumberDurationLiteral':
        return { type: 'number', value: parseNumber(this.text(node)), pos: node.from };
      case 'StringLiteral':
        return { type: 'string', value: this.string(node), pos: node.from };
      case 'VectorSelector':
        return this.vectorSelector(node, kids);
      case 'MatrixSelector': {
        const inner = this.expr(kids[0]!);
        if (inner.type !== 'vectorSelector') this.fail('ranges only allowed for vector selectors', node.from);
        if (inner.offsetMs !== 0 || inner.at)
          this.fail('no offset or @ modifiers allowed before range', node.from);
        const rangeMs = this.duration(kids[1]!);
        if (rangeMs <= 0)
          this.fail(`range must be greater than 0, got ${this.text(kids[1]!)}`, kids[1]!.from);
        return { type: 'matrixSelector', selector: inner, rangeMs, pos: node.from };
      }
      case 'SubqueryExpr': {
        const inner = this.expr(kids[0]!);
        const t = typeOf(inner);
        if (t !== 'vector' && t !== 'scalar')
          this.fail(`subquery is only allowed on instant vector, got ${t}`, node.from);
        const rangeMs = this.duration(kids[1]!);
        const stepMs = kids[2] ? this.duration(kids[2]) : undefined;
        if (rangeMs <= 0) this.fail('subquery range must be greater than 0', kids[1]!.from);
        if (stepMs !== undefined && stepMs <= 0)
          this.fail('zero or negative step is not allowed', kids[2]!.from);
        return { type: 'subquery', expr: inner, rangeMs, stepMs, offsetMs: 0, at: undefined, pos: node.from };
      }
      case 'OffsetExpr': {
        const inner = this.expr(kids[0]!);
        const target = this.modifierTarget(inner, 'offset', node.from);
        if (target.offsetMs !== 0) this.fail('offset may not be set multiple times', node.from);
        target.offsetMs = this.duration(kids[2]!);
        return inner;
      }
      case 'StepInvariantExpr': {
        const inner = this.expr(kids[0]!);
        const target = this.modifierTarget(inner, '@', node.from);
        if (target.at) this.fail('@ <timestamp> may not be set multiple times', node.from);
        target.at = this.atModifier(kids[2]!);
        return inner;
      }
      case 'ParenExpr':
        return { type: 'paren', expr: this.expr(kids[0]!), pos: node.from };
      case 'UnaryExpr': {
        const op = this.text(kids[0]!) as '-' | '+';
        const inner = this.expr(kids[1]!);
        if (inner.type === 'number')
          return { ...inner, value: op === '-' ? -inner.value : inner.value, pos: node.from };
        return { type: 'unary', op, expr: inner, pos: node.from };
      }
      case 'BinaryExpr':
        return this.binary(node, kids);
      case 'AggregateExpr':
        return this.aggregate(node, kids);
      case 'FunctionCall': {
        const func = this.text(kids[0]!);
        const args = children(kids[1]!).map((a) => this.expr(a));
        return { type: 'call', func, args, pos: node.from };
      }
      case 'AnchoredExpr':
      case 'SmoothedExpr':
        return this.fail(
          `the ${node.name === 'AnchoredExpr' ? 'anchored' : 'smoothed'} modifier is not supported`,
          node.from,
        );
      default:
        return this.fail(`unexpected ${node.name}`, node.from);
    }
  }

  /** The node an offset or @ applies to; it binds tighter than operators, so it reaches the rightmost operand. */
  private modifierTarget(e: Expr, what: string, pos: number): VectorSelector | SubqueryExpr {
    if (e.type === 'vectorSelector' || e.type === 'subquery') return e;
    if (e.type === 'matrixSelector') return e.selector;
    if (e.type === 'binary') return this.modifierTarget(e.rhs, what, pos);
    if (e.type === 'unary') return this.modifierTarget(e.expr, what, pos);
    return this.fail(
      `${what} modifier must be preceded by an instant vector selector or range vector selector or a subquery`,
      pos,
    );
  }

  private atModifier(node: SyntaxNode): AtModifier {
    if (node.name === 'AtModifierPreprocessors')
      return { kind: this.text(node) === 'start' ? 'start' : 'end' };
    const seconds = parseNumber(this.text(node));
    const ms = Math.round(seconds * 1000);
    if (!Number.isFinite(ms) || Math.abs(ms) > 9.2e18)
      this.fail('timestamp out of bounds for @ modifier', node.from);
    return { kind: 'time', ms };
  }

  string(node: SyntaxNode): string {
    try {
      return unquoteString(this.text(node));
    } catch (e) {
      return this.fail((e as Error).message, node.from);
    }
  }

  /** A duration expression folded to milliseconds (literals, arithmetic, min_of/max_of). */
  duration(node: SyntaxNode): number {
    const kids = children(node);
    const text = this.text(node).trim();
    if (node.name === 'NumberDurationLiteralInDurationContext') {
      const asDuration = parseDurationMs(text);
      if (asDuration !== undefined) return asDuration;
      const seconds = parseNumber(text);
      if (!Number.isFinite(seconds)) this.fail(`invalid duration ${text}`, node.from);
      return Math.round(seconds * 1000);
    }
    if (kids.length === 1) return this.duration(kids[0]!);
    if (kids.length === 2 && kids[0]!.name === 'UnaryOp') {
      const v = this.duration(kids[1]!);
      return this.text(kids[0]!) === '-' ? -v : v;
    }
    if (kids[0]!.name === 'DurationMinOf' || kids[0]!.name === 'DurationMaxOf') {
      const a = this.duration(kids[1]!);
      const b = this.duration(kids[2]!);
      return kids[0]!.name === 'DurationMinOf' ? Math.min(a, b) : Math.max(a, b);
    }
    if (kids.length === 3) {
      const a = this.duration(kids[0]!) / 1000;
      const b = this.duration(kids[2]!) / 1000;
      const op = kids[1]!.name;
      const v =
        op === 'Add'
          ? a + b
          : op === 'Sub'
            ? a - b
            : op === 'Mul'
              ? a * b
              : op === 'Div'
                ? a / b
                : op === 'Mod'
                  ? a % b
                  : a ** b;
      if (!Number.isFinite(v)) this.fail(`invalid duration ${text}`, node.from);
      return Math.round(v * 1000);
    }
    return this.fail(`duration ${text} is not supported`, node.from);
  }

  private vectorSelector(node: SyntaxNode, kids: SyntaxNode[]): VectorSelector {
    const matchers: LabelMatcher[] = [];
    let name: string | undefined;
    for (const k of kids) {
      if (k.name === 'Identifier') {
        name = this.text(k);
        matchers.push({ name: '__name__', type: '=', value: name });
      } else if (k.name === 'LabelMatchers') {
        for (const m of children(k)) matchers.push(this.matcher(m));
      }
    }
    if (name !== undefined && matchers.filter((m) => m.name === '__name__').length > 1) {
      this.fail(`metric name must not be set twice: "${name}"`, node.from);
    }
    if (!matchers.some((m) => !matchesEmpty(m))) {
      this.fail('vector selector must contain at least one non-empty matcher', node.from);
    }
    return { type: 'vectorSelector', name, matchers, offsetMs: 0, at: undefined, pos: node.from };
  }

  private matcher(node: SyntaxNode): LabelMatcher {
    const kids = children(node);
    if (node.name === 'QuotedLabelName') return { name: '__name__', type: '=', value: this.string(kids[0]!) };
    const nameNode = kids[0]!;
    const name =
      nameNode.name === 'QuotedLabelName' ? this.string(children(nameNode)[0]!) : this.text(nameNode);
    const type = MATCH_OPS[children(kids[1]!)[0]?.name ?? ''];
    if (!type) this.fail('unexpected label matcher operator', kids[1]!.from);
    const value = this.string(kids[2]!);
    if (type === '=~' || type === '!~') {
      try {
        anchoredRegExp(value);
      } catch {
        this.fail(`invalid regular expression in label matcher: ${value}`, kids[2]!.from);
      }
    }
    return { name, type, value };
  }

  private grouping(node: SyntaxNode): string[] {
    return children(node).map((k) =>
      k.name === 'QuotedLabelName' ? this.string(children(k)[0]!) : this.text(k),
    );
  }

  private binary(node: SyntaxNode, kids: SyntaxNode[]): Expr {
    const lhs = this.expr(kids[0]!);
    const rhs = this.expr(kids[kids.length - 1]!);
    const op = BINARY_OPS[kids[1]!.name];
    if (!op) this.fail(`operator ${this.text(kids[1]!)} is not supported`, kids[1]!.from);
    let returnBool = false;
    let matchingNode: SyntaxNode | undefined;
    for (const k of kids.slice(2, -1)) {
      if (k.name === 'BoolModifier') returnBool = true;
      else if (k.name === 'MatchingModifierClause') matchingNode = k;
      else if (k.name === 'FillModifier') this.fail('fill modifiers are not supported', k.from);
    }
    const setOp = op === 'and' || op === 'or' || op === 'unless';
    let matching: VectorMatching | undefined;
    if (matchingNode || (typeOf(lhs) === 'vector' && typeOf(rhs) === 'vector')) {
      matching = this.matching(matchingNode, setOp, op);
    }
    const lhsNode = kids[0]!;
    const sign = this.text(lhsNode)[0];
    if (
      op === '^' &&
      lhsNode.name === 'NumberDurationLiteral' &&
      (sign === '-' || sign === '+') &&
      lhs.type === 'number'
    ) {
      // The grammar reads `-2 ^ 2` as `(-2) ^ 2`; in PromQL ^ binds tighter than the sign: -(2 ^ 2).
      const unsigned = { ...lhs, value: sign === '-' ? -lhs.value : lhs.value, pos: lhs.pos + 1 };
      const power: Expr = {
        type: 'binary',
        op,
        lhs: unsigned,
        rhs,
        returnBool,
        matching,
        pos: node.from + 1,
      };
      return sign === '-' ? { type: 'unary', op: '-', expr: power, pos: node.from } : power;
    }
    return { type: 'binary', op, lhs, rhs, returnBool, matching, pos: node.from };
  }

  private matching(node: SyntaxNode | undefined, setOp: boolean, op: BinaryOp): VectorMatching {
    if (!node) return { card: setOp ? 'many-to-many' : 'one-to-one', on: false, labels: [], include: [] };
    const kids = children(node);
    const on = kids[0]!.name === 'On';
    const labels = this.grouping(kids[1]!);
    let card: VectorMatching['card'] = setOp ? 'many-to-many' : 'one-to-one';
    let include: string[] = [];
    const group = kids[2];
    if (group) {
      if (setOp) this.fail(`no grouping allowed for "${op}" operation`, group.from);
      card = group.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many';
      include = kids[3] ? this.grouping(kids[3]) : [];
      if (on) {
        for (const l of include) {
          if (labels.includes(l))
            this.fail(`label "${l}" must not occur in ON and GROUP clause at once`, group.from);
        }
      }
    }
    return { card, on, labels, include };
  }

  private aggregate(node: SyntaxNode, kids: SyntaxNode[]): AggregateExpr {
    const op = this.text(kids[0]!).toLowerCase() as AggregateOp;
    let grouping: string[] = [];
    let without = false;
    let args: Expr[] = [];
    for (const k of kids.slice(1)) {
      if (k.name === 'AggregateModifier') {
        const mk = children(k);
        without = mk[0]!.name === 'Without';
        grouping = this.grouping(mk[1]!);
      } else if (k.name === 'FunctionCallBody') {
        args = children(k).map((a) => this.expr(a));
      }
    }
    const withParam = ['topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio'].includes(op);
    const want = withParam ? 2 : 1;
    if (args.length !== want) {
      this.fail(
        `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`,
        node.from,
      );
    }
    return {
      type: 'aggregate',
      op,
      expr: args[want - 1]!,
      param: withParam ? args[0] : undefined,
      grouping,
      without,
      pos: node.from,
    };
  }
}

function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return anchoredRegExp(m.value).test('');
    case '!~':
      return !anchoredRegExp(m.value).test('');
  }
}

/** Parses and type-checks a query; throws `PromQLParseError` (kind `bad_data`) with its position. */
export function parsePromQL(query: string): Expr {
  if (query.trim() === '') throw parseError(query, 'no expression found in input', 0);
  const tree = parser.parse(blankTrailingPoints(query));
  const error = findSyntaxError(query, tree.topNode);
  if (error) throw error;
  const top = tree.topNode.firstChild;
  if (!top) throw parseError(query, 'no expression found in input', 0);
  const converter = new Converter(query);
  const expr = converter.expr(top);
  checkTypes(expr, (msg, pos) => converter.fail(msg, pos));
  return expr;
}

export type { ValueType };
