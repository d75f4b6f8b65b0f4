import { context, propagation, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';
import { withWorkflowTrace, workflowTraceparent } from '../../../src/workflows/workflowTrace.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
// Reports synchronously: the SDK's InMemorySpanExporter defers with timers the leak check would flag.
const finished: ReadableSpan[] = [];
const exporter: SpanExporter = {
  export: (spans, done) => {
    finished.push(...spans);
    done({ code: 0 });
  },
  shutdown: async () => {},
};
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('workflow-test');

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

function inSpan<T>(name: string, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}

describe('workflows and traces', () => {
  it('takes the active trace as correlation id and records each caller trace and span', async () => {
    const tracker = new WorkflowStateTracker(ctx.db);
    const { wf, createSpan } = await inSpan('submit', async (span) => ({
      wf: await tracker.createWorkflow({ workflowType: 'traced' }),
      createSpan: span.spanContext(),
    }));
    expect(wf.correlationId).toBe(createSpan.traceId);
    const stepSpan = await inSpan('step', async (span) => {
      await tracker.transition(wf.workflowId, { status: 'running' });
      return span.spanContext();
    });
    await tracker.transition(wf.workflowId, { phase: 'untraced' });
    const history = await tracker.getHistory(wf.workflowId);
    expect(history.map((h) => [h.traceId, h.spanId])).toEqual([
      [createSpan.traceId, createSpan.spanId],
      [stepSpan.traceId, stepSpan.spanId],
      [null, null],
    ]);
  });

  it('continues the workflow trace from a traceparent without a span held open', async () => {
    const tracker = new WorkflowStateTracker(ctx.db);
    const wf = await tracker.createWorkflow({ workflowType: 'traced' });
    const step = await withWorkflowTrace(wf, () =>
      inSpan('step-1', async (span) => {
        const after = await tracker.transition(wf.workflowId, { status: 'running' });
        return { after, span: span.spanContext() };
      }),
    );
    expect(step.span.traceId).toBe(wf.correlationId);
    expect(step.after.lastSpanId).toBe(step.span.spanId);

    // The next step hangs under the span of the last change, wherever it runs.
    const traceparent = workflowTraceparent(step.after);
    expect(traceparent).toBe(`00-${wf.correlationId}-${step.span.spanId}-01`);
    const remote = propagation.extract(context.active(), { traceparent });
    const next = await context.with(remote, () => inSpan('step-2', async (span) => span));
    expect(next.spanContext().traceId).toBe(wf.correlationId);
    const exported = finished.find((s) => s.name === 'step-2')!;
    expect(exported.parentSpanContext?.spanId).toBe(step.span.spanId);
  });

  it('makes a stable parent span id for a workflow whose last change was untraced', async () => {
    const tracker = new WorkflowStateTracker(ctx.db);
    const wf = await tracker.createWorkflow({ workflowType: 'traced' });
    const parent = workflowTraceparent(wf);
    expect(parent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(parent).toBe(workflowTraceparent(wf));
    expect(parent.split('-')[2]).toBe(wf.workflowId.replaceAll('-', '').slice(0, 16));
  });
});
