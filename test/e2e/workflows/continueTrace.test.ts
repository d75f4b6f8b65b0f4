import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';
import { workflowTraceparent } from '../../../src/workflows/workflowTrace.js';
import { onRealServer, testDatabaseUrl, useTestDatabase } from '../../helpers/testDatabase.js';

const dist = fileURLToPath(new URL('../../../dist/src/index.js', import.meta.url));

/** Another process with its own OpenTelemetry SDK: extracts the traceparent and moves the workflow on. */
function stepInChild(
  schema: string,
  workflowId: string,
  traceparent: string,
): Promise<Record<string, string>> {
  const script = `const { context, propagation, trace } = await import('@opentelemetry/api');
    const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    const { BasicTracerProvider } = await import('@opentelemetry/sdk-trace-base');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const { openDatabase, WorkflowStateTracker } = await import(${JSON.stringify(dist)});
    const db = await openDatabase({ databaseUrl: ${JSON.stringify(testDatabaseUrl)}, schema: ${JSON.stringify(schema)}, poolSize: 1 });
    const parent = propagation.extract(context.active(), { traceparent: process.env.TRACEPARENT });
    const out = await context.with(parent, () => trace.getTracer('child').startActiveSpan('child-step', async (span) => {
      await new WorkflowStateTracker(db, { actor: 'child' }).transition(${JSON.stringify(workflowId)}, { phase: 'child-step' });
      span.end();
      return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, parentSpanId: span.parentSpanContext?.spanId };
    }));
    await db.close();
    process.stdout.write(JSON.stringify(out));`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { env: { ...process.env, TRACEPARENT: traceparent } },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

describe.skipIf(!onRealServer)('continuing a workflow trace in another process', () => {
  const ctx = useTestDatabase();

  it('puts the other process span in the workflow trace under the traceparent span, and records it', async () => {
    const tracker = new WorkflowStateTracker(ctx.db);
    const wf = await tracker.createWorkflow({ workflowType: 'handoff' });
    const running = await tracker.transition(wf.workflowId, { status: 'running', phase: 'queued' });
    const traceparent = workflowTraceparent(running);
    const child = await stepInChild(ctx.db.schema, wf.workflowId, traceparent);
    expect(child.traceId).toBe(wf.correlationId);
    expect(child.parentSpanId).toBe(traceparent.split('-')[2]);
    const last = (await tracker.getHistory(wf.workflowId)).at(-1)!;
    expect(last).toMatchObject({
      toPhase: 'child-step',
      actor: 'child',
      traceId: wf.correlationId,
      spanId: child.spanId,
    });
  });
});
