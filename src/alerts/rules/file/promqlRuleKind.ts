import type { RuleKind } from './RuleKind.js';

/**
 * Prometheus alerting and recording rules (`expr:`). They are recognised so a rule file can hold
 * them, and refused with a clear reason until a PromQL engine provides a kind that evaluates them.
 */
export const promqlRuleKind: RuleKind = {
  name: 'promql',
  claims: (rule) => 'expr' in rule || 'record' in rule,
  read: () => ({
    ok: false,
    problems: [
      {
        field: 'expr',
        message: 'PromQL rules need the PromQL engine, which this pgtel does not include yet',
      },
    ],
  }),
};
