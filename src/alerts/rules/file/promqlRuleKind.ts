import { parsePromQL } from '../../../promql/index.js';
import type { RuleKind } from './RuleKind.js';

/**
 * Prometheus alerting and recording rules (`expr:`). Their expression is checked with the PromQL
 * parser, so `pgtel rules check` reports its syntax errors; rules are then refused with a clear reason
 * until alert evaluation runs PromQL, so a file holding them never half-applies.
 */
export const promqlRuleKind: RuleKind = {
  name: 'promql',
  claims: (rule) => 'expr' in rule || 'record' in rule,
  read(rule) {
    if (typeof rule.expr !== 'string' || rule.expr.trim() === '')
      return { ok: false, problems: [{ field: 'expr', message: 'must be a PromQL expression' }] };
    try {
      parsePromQL(rule.expr);
    } catch (error) {
      return { ok: false, problems: [{ field: 'expr', message: `PromQL: ${(error as Error).message}` }] };
    }
    return {
      ok: false,
      problems: [
        {
          field: 'expr',
          message:
            'PromQL rules need the PromQL engine in alert evaluation, which this pgtel does not include yet',
        },
      ],
    };
  },
};
