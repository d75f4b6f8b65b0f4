import { isValidSpanId } from '../tracing/ids.js';
import { otelApi } from '../tracing/otelApi.js';
import type { Workflow } from './Workflow.js';

/** The fields of a workflow that locate its trace. */
export type TracedWorkflow = Pick<Workflow, 'workflowId' | 'correlationId' | 'lastTraceId' | 'lastSpanId'>;

/**
 * The span a continuation hangs under: the span of the workflow's last change when it belongs to
 * the workflow's trace, else a stable id derived from the workflow id (the workflow's "root").
 */
function parentSpanId(workflow: TracedWorkflow): string {
  if (
    workflow.lastTraceId === workflow.correlationId &&
    workflow.lastSpanId &&
    isValidSpanId(workflow.lastSpanId)
  )
    return workflow.lastSpanId;
  const derived = workflow.workflowId.replaceAll('-', '').slice(0, 16).toLowerCase();
  return isValidSpanId(derived) ? derived : '0000000000000001';
}

/**
 * A W3C `traceparent` (`00-<correlation id>-<span id>-01`) that continues the workflow's trace in
 * another process: send it with a job or request and extract it there with any W3C propagator.
 * No span stays open for the workflow's lifetime; each step is its own span in the same trace.
 */
export function workflowTraceparent(workflow: TracedWorkflow): string {
  return `00-${workflow.correlationId}-${parentSpanId(workflow)}-01`;
}

/**
 * Runs `fn` with the workflow's trace as the active (remote) parent, so spans started inside join
 * the workflow's trace. Without `@opentelemetry/api` installed it simply runs `fn`.
 */
export function withWorkflowTrace<T>(workflow: TracedWorkflow, fn: () => T): T {
  if (!otelApi) return fn();
  const parent = otelApi.trace.setSpanContext(otelApi.context.active(), {
    traceId: workflow.correlationId,
    spanId: parentSpanId(workflow),
    traceFlags: otelApi.TraceFlags.SAMPLED,
    isRemote: true,
  });
  return otelApi.context.with(parent, fn);
}
