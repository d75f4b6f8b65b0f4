import { WebhookNotifier } from '../../../src/alerts/notifiers/WebhookNotifier.js';
import { dispatchOutbox } from '../../../src/alerts/outbox/dispatchOutbox.js';
import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import type { Database } from '../../../src/db/Database.js';
import { createLogger } from '../../../src/logger.js';
import { MetricsCollector } from '../../../src/metrics/MetricsCollector.js';
import type { ManualClock } from '../../../src/testing/ManualClock.js';
import { setupTracing } from '../../../src/tracing/setupTracing.js';
import { TracingContext } from '../../../src/tracing/TracingContext.js';
import { WorkflowStateTracker } from '../../../src/workflows/WorkflowStateTracker.js';
import { type HttpReceiver, startHttpReceiver } from '../../integration/alerts/httpReceiver.js';

export const LATENCY = 'http.server.duration';
export const RULE = 'CheckoutLatencyHigh';
export const FAILING_OPERATION = 'charge card';

/** What the situation left behind, to be found again from every end. */
export interface SlowRequest {
  traceId: string;
  spanId: string;
  workflowId: string;
  /** A fast request's trace: must never be linked to the alert. */
  fastTraceId: string;
  slowMs: number;
  receiver: HttpReceiver;
}

/**
 * The known situation: a checkout request that takes 2.5 s runs inside an order workflow, its card
 * payment fails, and a p99 latency rule fires. Everything goes through pgtel's real write paths:
 * spans through the span exporter, the latency through the collector (exemplars included), the
 * workflow through the tracker, the alert through rule evaluation, the outbox and a webhook.
 */
export async function buildSlowRequest(
  db: Database,
  clock: ManualClock,
  publicUrl: string,
): Promise<SlowRequest> {
  const quiet = createLogger('silent');
  const tracing = await setupTracing({ serviceName: 'checkout', db, logger: quiet });
  const metrics = new MetricsCollector({ db, clock, logger: quiet, flushIntervalMs: 0 });
  const workflows = new WorkflowStateTracker(db, { clock });
  const receiver = await startHttpReceiver();
  try {
    const latency = metrics.createHistogram(LATENCY, { unit: 'ms', description: 'Request duration' });
    const fast = await TracingContext.run('GET /checkout', async (ctx) => {
      latency.record(42, { route: '/checkout' });
      return ctx.traceId;
    });
    for (let i = 0; i < 20; i++) latency.record(30 + i, { route: '/checkout' });
    const slowMs = 2500;
    const slow = await TracingContext.run('POST /checkout', async (ctx) => {
      const workflow = await workflows.createWorkflow({ workflowType: 'order' });
      await workflows.transition(workflow.workflowId, { status: 'running', phase: 'payment' });
      await TracingContext.run(FAILING_OPERATION, async (child) => {
        child.setStatus('error', 'card declined');
      }).catch(() => undefined);
      latency.record(slowMs, { route: '/checkout' });
      return { traceId: ctx.traceId, spanId: ctx.spanId, workflowId: workflow.workflowId };
    });
    await metrics.flush();
    await tracing.forceFlush();

    await saveAlertRules(
      db,
      [
        {
          name: RULE,
          source: {
            kind: 'aggregate',
            metric: LATENCY,
            aggregate: 'max',
            windowMs: 5 * 60_000,
            labels: { route: '/checkout' },
          },
          levels: [{ severity: 'critical', threshold: 1000 }],
          intervalMs: 60_000,
          annotations: { summary: 'Checkout takes {{value}} ms' },
        },
      ],
      clock,
    );
    const notifiers = [new WebhookNotifier({ url: receiver.url })];
    // Spans carry real times: evaluate just after them, so the firing window holds the failed payment.
    clock.set(Math.max(clock.now(), Date.now()) + 1000);
    await evaluateDueRules(db, { clock, notifiers, publicUrl });
    await dispatchOutbox(db, { clock, notifiers });
    return { ...slow, fastTraceId: fast, slowMs, receiver };
  } catch (error) {
    await receiver.close();
    throw error;
  } finally {
    await metrics.shutdown();
    await tracing.shutdown();
  }
}
