/** Prometheus-like parse errors: the first syntax error of a lezer tree, with line and column. */
import type { SyntaxNode } from '@lezer/common';
import { PromQLParseError } from './PromQLError.js';

export function parseError(query: string, message: string, offset: number): PromQLParseError {
  const before = query.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return new PromQLParseError(`parse error: ${message}`, { line, column, offset });
}

/** The first syntax error of the lezer tree as a Prometheus-like message. */
export function findSyntaxError(query: string, top: SyntaxNode): PromQLParseError | undefined {
  let found: SyntaxNode | undefined;
  top.cursor().iterate((n) => {
    if (found) return false;
    if (n.type.isError) found = n.node;
    return undefined;
  });
  if (!found) return undefined;
  const at = found.from;
  const rest = query.slice(at).trimStart();
  const prev = found.prevSibling ?? found.parent?.prevSibling;
  if (rest.startsWith('(') && (prev?.name === 'VectorSelector' || prev?.name === 'Identifier')) {
    const name = query.slice(prev.from, prev.to);
    return parseError(query, `unknown function with name "${name}"`, prev.from);
  }
  if (rest === '') return parseError(query, 'unexpected end of input', at);
  return parseError(query, `unexpected character inside braces or expression: "${rest[0]}"`, at);
}
