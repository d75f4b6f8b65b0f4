import type { AlertRuleDefinition } from '../../alerts/rules/AlertRule.js';
import type { Counter, Gauge, Histogram } from '../../metrics/instruments.js';
import type { MetricsCollector } from '../../metrics/MetricsCollector.js';
import { TracingContext } from '../../tracing/TracingContext.js';
import type { Workflow } from '../../workflows/Workflow.js';
import { defineWorkflow } from '../../workflows/WorkflowDefinition.js';
import type { WorkflowStateTracker } from '../../workflows/WorkflowStateTracker.js';

/** The workflow type of the demo's batches: three phases, each with a deadline the sweep enforces. */
export const DEMO_WORKFLOW_TYPE = 'demo.etl_batch';

export const demoWorkflowDefinition = defineWorkflow(DEMO_WORKFLOW_TYPE, {
  phases: {
    load: { next: ['transform'], timeoutMs: 20_000 },
    transform: { next: ['write'], timeoutMs: 20_000 },
    write: { timeoutMs: 20_000 },
  },
  initialPhase: 'load',
});

/** Alert rules the demo installs, so a first run shows an alert firing and resolving. */
export const demoAlertRules: AlertRuleDefinition[] = [
  {
    name: 'DemoDataQualityIssues',
    source: { kind: 'aggregate', metric: 'demo.data_quality_issues', aggregate: 'max', windowMs: 30_000 },
    levels: [
      { severity: 'warning', threshold: 0 },
      { severity: 'critical', threshold: 10 },
    ],
    intervalMs: 15_000,
    annotations: { summary: 'Found {{value}} data quality issues in the last 30 seconds' },
  },
  {
    name: 'DemoSlowTransform',
    source: {
      kind: 'percentile',
      metric: 'demo.step.duration',
      p: 0.95,
      windowMs: 60_000,
      labels: { step: 'transform' },
    },
    levels: [{ severity: 'warning', threshold: 250, resolveThreshold: 200 }],
    forMs: 15_000,
    intervalMs: 15_000,
    annotations: { summary: 'p95 of the transform step is {{value}} ms' },
  },
];

export interface DemoPipelineOptions {
  metrics: MetricsCollector;
  workflows: WorkflowStateTracker;
  /** Random source (default Math.random), injectable for deterministic tests. */
  random?: () => number;
  /** Waits between simulated work, in milliseconds (default a real timer). */
  pause?: (ms: number) => Promise<void>;
}

/**
 * A small simulated data pipeline instrumented with pgtel: each batch is a workflow moving through
 * load, transform and write, each step a traced span with its duration in a histogram and its rows
 * in a counter. About one batch in ten fails in transform, one in twenty gets stuck in write (the
 * sweep marks it), and a degraded upstream every 40 batches makes the demo's alerts fire and resolve.
 */
export class DemoPipeline {
  private readonly random: () => number;
  private readonly pause: (ms: number) => Promise<void>;
  private readonly stepDuration: Histogram;
  private readonly rowsProcessed: Counter;
  private readonly qualityIssues: Gauge;
  private batches = 0;

  constructor(private readonly options: DemoPipelineOptions) {
    this.random = options.random ?? Math.random;
    this.pause = options.pause ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.stepDuration = options.metrics.createHistogram('demo.step.duration', {
      description: 'Duration of one pipeline step in milliseconds',
      unit: 'ms',
    });
    this.rowsProcessed = options.metrics.createCounter('demo.rows_processed', {
      description: 'Rows handled by a step',
    });
    this.qualityIssues = options.metrics.createGauge('demo.data_quality_issues', {
      description: 'Rows failing a data-quality check in the last batch',
    });
  }

  /** Runs one batch to its end (or leaves it stuck) and returns the workflow as it ended. */
  runBatch(): Promise<Workflow> {
    const batch = ++this.batches;
    return TracingContext.run('demo.batch', { 'demo.batch': batch }, async (ctx) => {
      const { workflows } = this.options;
      const workflow = await workflows.createWorkflow({
        workflowType: DEMO_WORKFLOW_TYPE,
        metadata: { batch },
      });
      ctx.setAttribute('workflow.id', workflow.workflowId);
      await workflows.transition(workflow.workflowId, { status: 'running', reason: 'batch started' });
      const rows = 500 + Math.floor(this.random() * 1500);
      await this.step('load', 20 + this.random() * 60, rows);
      await workflows.transition(workflow.workflowId, { phase: 'transform', metadata: { rows } });
      // Every 40 batches the upstream degrades for 8: slow transforms and bad rows, so alerts fire and resolve.
      const degraded = batch % 40 >= 20 && batch % 40 < 28;
      const issues = degraded ? 1 + Math.floor(this.random() * 20) : 0;
      this.qualityIssues.set(issues, { check: 'null_prices' });
      const transformMs = degraded ? 300 + this.random() * 300 : 40 + this.random() * 80;
      try {
        await this.step('transform', transformMs, rows, this.random() < 0.1);
      } catch (error) {
        return workflows.transition(workflow.workflowId, {
          status: 'failed',
          error: (error as Error).message,
        });
      }
      const last = await workflows.transition(workflow.workflowId, { phase: 'write' });
      if (this.random() < 0.05) return last; // never finishes: the sweep will mark it stuck
      await this.step('write', 10 + this.random() * 40, rows);
      return workflows.transition(workflow.workflowId, { status: 'completed', metadata: { written: rows } });
    });
  }

  private step(name: string, durationMs: number, rows: number, fail = false): Promise<void> {
    return TracingContext.run(`demo.${name}`, { 'demo.rows': rows }, async (ctx) => {
      const started = performance.now();
      await this.pause(durationMs);
      this.stepDuration.record(performance.now() - started, { step: name });
      if (fail) {
        ctx.addEvent('upstream timeout', { 'demo.attempts': 3 });
        throw new Error(`${name} failed: upstream timed out after 3 attempts`);
      }
      this.rowsProcessed.add(rows, { step: name });
    });
  }
}
