// `pgtel/links`: the questions across signals (the traces behind a metric, the workflows of a trace,
// what an alert episode involved), the same ones the JSON API and the dashboard answer.
export {
  type AlertErrorSpans,
  type AlertErrorSpansOptions,
  alertErrorSpans,
  type ErrorSpanOperation,
} from './alertErrorSpans.js';
export {
  type AlertLinkedTrace,
  type AlertLinkedWorkflow,
  type AlertLinks,
  alertLinks,
} from './alertLinks.js';
export { alertsOfTrace } from './alertsOfTrace.js';
export { alertsOfWorkflow } from './alertsOfWorkflow.js';
export { type ExemplarTrace, type ExemplarTracesOptions, exemplarTraces } from './exemplarTraces.js';
export type { AlertSummary, LinkedAlert } from './LinkedAlert.js';
export { tracesOfWorkflow, type WorkflowTrace } from './tracesOfWorkflow.js';
export { type TraceWorkflow, workflowsOfTrace } from './workflowsOfTrace.js';
