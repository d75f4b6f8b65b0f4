import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Clock, systemClock } from '../clock.js';
import type { Database, Row } from '../db/Database.js';
import { ConflictError, DatabaseError, NotFoundError, ValidationError } from '../errors.js';
import { activeSpanContext } from '../tracing/activeSpanContext.js';
import { generateCorrelationId } from '../tracing/generateCorrelationId.js';
import { DEFAULT_MAX_METADATA_BYTES, metadataJson } from './metadataJson.js';
import { changesNothing, planEntry, planTransition } from './planTransition.js';
import { toWorkflow, type Workflow, type WorkflowHistoryEntry } from './Workflow.js';
import { WorkflowConflictError } from './WorkflowConflictError.js';
import {
  defineWorkflow,
  isWorkflowStatus,
  type WorkflowDefinition,
  type WorkflowStatus,
} from './WorkflowDefinition.js';
import { parseCorrelationId, parseLabel, parseOptionalLabel, parseWorkflowId } from './workflowInput.js';
import {
  findWorkflows,
  type PhaseDuration,
  readHistory,
  readPhaseDurations,
  readWorkflow,
} from './workflowQueries.js';
import {
  createStatement,
  heartbeatStatement,
  readStatement,
  transitionStatement,
} from './workflowStatements.js';

export type { PhaseDuration } from './workflowQueries.js';

/** Options of `WorkflowStateTracker`. */
export interface WorkflowStateTrackerOptions {
  /** Source of time for timestamps, deadlines and heartbeats (default the system clock). */
  clock?: Clock;
  /** Phases, allowed moves and time limits per workflow type; other types follow the default lifecycle. */
  definitions?: Record<string, WorkflowDefinition>;
  /** Largest metadata object accepted per call, serialised (default 1 MiB, 1,048,576 bytes). */
  maxMetadataBytes?: number;
  /** Recorded as the actor of changes that name none (default `<hostname>:<pid>`). */
  actor?: string;
}

/** What `WorkflowStateTracker.createWorkflow` takes. */
export interface CreateWorkflowInput {
  /** A UUID (default: a random one). */
  workflowId?: string;
  /** 32 hex, trace-compatible (default: generateCorrelationId(), the active trace's id if any). */
  correlationId?: string;
  workflowType: string;
  /** Default: the type's `initialPhase`, else none. */
  phase?: string;
  metadata?: Record<string, unknown>;
  actor?: string;
  reason?: string;
}

/** What `WorkflowStateTracker.transition` takes. */
export interface TransitionInput {
  /** New phase (default: unchanged). */
  phase?: string;
  /** New status (default: unchanged). */
  status?: WorkflowStatus;
  /** Merged (shallowly) into the workflow's metadata and kept with the history entry. */
  metadata?: Record<string, unknown>;
  actor?: string;
  reason?: string;
  /** An error message, kept as the workflow's last error. */
  error?: string;
  /** Refuse the change unless the workflow is still at this version. */
  expectedVersion?: number;
  /** A retried call with the same key returns the first call's result instead of changing anything. */
  idempotencyKey?: string;
}

/** Filters of `WorkflowStateTracker.listWorkflows`. */
export interface ListWorkflowsOptions {
  /** Only workflows in this status. Default: any status. */
  status?: WorkflowStatus;
  /** Only workflows of this type. Default: any type. */
  type?: string;
  /** Only stuck (true) or not stuck (false) workflows. Default: both. */
  stuck?: boolean;
  /** Default 100, at most 10,000. */
  limit?: number;
}

type ReadRow = Row & { idempotent_hash: string | null; idempotent_result: Row | null };

function requestHash(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * Workflow state in PostgreSQL: creation, guarded transitions with full history, heartbeats and
 * queries. Every change is one statement that checks the version it read, so concurrent callers
 * cannot both win; the loser gets a WorkflowConflictError naming the current state.
 */
export class WorkflowStateTracker {
  private readonly db: Database;
  private readonly clock: Clock;
  private readonly definitions: Map<string, WorkflowDefinition>;
  private readonly maxMetadataBytes: number;
  private readonly actor: string;

  constructor(db: Database, options: WorkflowStateTrackerOptions = {}) {
    this.db = db;
    this.clock = options.clock ?? systemClock;
    this.definitions = new Map(
      Object.entries(options.definitions ?? {}).map(([type, d]) => [type, defineWorkflow(type, d)]),
    );
    this.maxMetadataBytes = options.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES;
    this.actor = options.actor ?? `${hostname()}:${process.pid}`;
  }

  /** Creates a workflow in status `pending`. A workflow id already in use is a ConflictError ("duplicate"). */
  async createWorkflow(input: CreateWorkflowInput): Promise<Workflow> {
    const trace = activeSpanContext();
    const workflowId = input.workflowId === undefined ? randomUUID() : parseWorkflowId(input.workflowId);
    const correlationId =
      input.correlationId === undefined ? generateCorrelationId() : parseCorrelationId(input.correlationId);
    const type = parseLabel('Workflow type', input.workflowType);
    const definition = this.definitionOf(type);
    const phase = parseOptionalLabel('Phase', input.phase ?? definition.initialPhase);
    const metadata = metadataJson(input.metadata ?? {}, this.maxMetadataBytes);
    const plan = planEntry(definition, type, 'pending', phase, new Date(this.clock.now()));
    try {
      const result = await this.db.query(createStatement(this.db), [
        workflowId,
        correlationId,
        type,
        phase,
        metadata,
        plan.phaseEnteredAt,
        plan.deadlineAt,
        plan.heartbeatTimeoutMs,
        plan.dueAt,
        parseOptionalLabel('Actor', input.actor) ?? this.actor,
        parseOptionalLabel('Reason', input.reason, 2000),
        trace?.traceId ?? null,
        trace?.spanId ?? null,
      ]);
      return toWorkflow(result.rows[0]!);
    } catch (error) {
      if (error instanceof DatabaseError && error.sqlState === '23505')
        throw new ConflictError(`Workflow ${workflowId} already exists (duplicate workflow id).`, {
          cause: error,
        });
      throw error;
    }
  }

  /**
   * Moves a workflow to a new status and/or phase in one guarded statement that also appends the
   * history entry (with the caller's active trace and span). Unknown id: NotFoundError. Illegal move,
   * stale `expectedVersion` or a lost race: WorkflowConflictError naming the current state. Asking an
   * open workflow to stay in its status and phase with no metadata and no error changes nothing: the
   * current state is returned, same version, no history entry (so duplicate "start" calls all succeed).
   */
  async transition(workflowId: string, input: TransitionInput): Promise<Workflow> {
    const trace = activeSpanContext();
    const id = parseWorkflowId(workflowId);
    if (input.status === undefined && input.phase === undefined)
      throw new ValidationError('A transition needs a new status, a new phase or both.');
    if (input.status !== undefined && !isWorkflowStatus(input.status))
      throw new ValidationError(
        `Unknown workflow status ${JSON.stringify(input.status)}; use pending, running, completed, failed or cancelled.`,
      );
    if (input.expectedVersion !== undefined && !Number.isInteger(input.expectedVersion))
      throw new ValidationError('expectedVersion must be a whole number.');
    const phaseInput = input.phase === undefined ? undefined : parseLabel('Phase', input.phase);
    const metadata = metadataJson(input.metadata ?? {}, this.maxMetadataBytes);
    const actor = parseOptionalLabel('Actor', input.actor) ?? this.actor;
    const reason = parseOptionalLabel('Reason', input.reason, 2000);
    const error = parseOptionalLabel('Error', input.error, 10_000);
    const key = parseOptionalLabel('Idempotency key', input.idempotencyKey);
    const hash = key === null ? null : requestHash([input.status, phaseInput, metadata, reason, error]);

    const current = await this.read(id, key);
    const remembered = this.remembered(current, key, hash);
    if (remembered) return remembered;
    const workflow = toWorkflow(current);
    const position = {
      workflowId: id,
      status: workflow.status,
      phase: workflow.currentPhase,
      version: workflow.version,
    };
    if (input.expectedVersion !== undefined && input.expectedVersion !== workflow.version)
      throw new WorkflowConflictError(`expected version ${input.expectedVersion}`, position);
    const to = { status: input.status ?? workflow.status, phase: phaseInput ?? workflow.currentPhase };
    if (changesNothing(workflow, to, { metadata, error })) return workflow;
    const now = new Date(this.clock.now());
    const plan = planTransition(
      this.definitionOf(workflow.workflowType),
      workflow.workflowType,
      workflow,
      to,
      now,
    );
    const result = await this.db.query(transitionStatement(this.db), [
      id,
      workflow.version,
      plan.status,
      plan.phase,
      metadata,
      now,
      plan.phaseEnteredAt,
      plan.heartbeatAt,
      plan.deadlineAt,
      plan.heartbeatTimeoutMs,
      plan.dueAt,
      plan.closedAt,
      actor,
      reason,
      error,
      trace?.traceId ?? null,
      trace?.spanId ?? null,
      workflow.status,
      workflow.currentPhase,
      key,
      hash,
    ]);
    if (result.rows[0]) return toWorkflow(result.rows[0]);
    // Someone else changed the workflow between our read and our write.
    const after = await this.read(id, key);
    const retried = this.remembered(after, key, hash);
    if (retried) return retried;
    const latest = toWorkflow(after);
    // A duplicate of the winning call (same target, nothing to record) succeeds as a no-op.
    if (input.expectedVersion === undefined && changesNothing(latest, to, { metadata, error })) return latest;
    throw new WorkflowConflictError(
      `transition to ${to.status}${to.phase === null ? '' : ` (phase "${to.phase}")`} lost the race against a concurrent change made after version ${workflow.version}`,
      { workflowId: id, status: latest.status, phase: latest.currentPhase, version: latest.version },
    );
  }

  /**
   * Records a sign of life: pushes the heartbeat deadline back and clears a stuck mark. Adds no
   * history entry. A closed workflow is a WorkflowConflictError (its worker should stop).
   */
  async heartbeat(workflowId: string): Promise<Workflow> {
    const id = parseWorkflowId(workflowId);
    const result = await this.db.query(heartbeatStatement(this.db), [id, new Date(this.clock.now())]);
    if (result.rows[0]) return toWorkflow(result.rows[0]);
    const workflow = toWorkflow(await this.read(id, null));
    throw new WorkflowConflictError('heartbeat refused, the workflow is closed', {
      workflowId: id,
      status: workflow.status,
      phase: workflow.currentPhase,
      version: workflow.version,
    });
  }

  /** The workflow, or undefined when there is none with this id. */
  async getWorkflow(workflowId: string): Promise<Workflow | undefined> {
    return readWorkflow(this.db, parseWorkflowId(workflowId));
  }

  /**
   * Workflows newest first, optionally filtered by status, type and stuck mark: the first page of
   * `findWorkflows`, which also pages on with a cursor.
   */
  async listWorkflows(options: ListWorkflowsOptions = {}): Promise<Workflow[]> {
    return (await findWorkflows(this.db, options)).workflows;
  }

  /** Every workflow sharing this correlation (trace) id, newest first. */
  async findByCorrelationId(correlationId: string): Promise<Workflow[]> {
    const result = await this.db.query(
      `SELECT * FROM ${this.db.table('workflow_state')} WHERE correlation_id = $1::text
        ORDER BY created_at DESC, workflow_id`,
      [parseCorrelationId(correlationId)],
    );
    return result.rows.map(toWorkflow);
  }

  /** The workflow's history, oldest first. Unknown id: NotFoundError. */
  async getHistory(workflowId: string): Promise<WorkflowHistoryEntry[]> {
    const id = parseWorkflowId(workflowId);
    const history = await readHistory(this.db, id);
    if (history.length === 0) await this.read(id, null);
    return history;
  }

  /** Time spent in each phase, oldest first; an open phase counts up to now. Unknown id: NotFoundError. */
  async phaseDurations(workflowId: string): Promise<PhaseDuration[]> {
    const id = parseWorkflowId(workflowId);
    const phases = await readPhaseDurations(this.db, id, this.clock.now());
    if (phases.length === 0) await this.read(id, null);
    return phases;
  }

  private definitionOf(type: string): WorkflowDefinition {
    return this.definitions.get(type) ?? {};
  }

  private async read(id: string, key: string | null): Promise<ReadRow> {
    const result = await this.db.query<ReadRow>(readStatement(this.db), [id, key]);
    if (!result.rows[0]) throw new NotFoundError(`Workflow ${id} not found.`);
    return result.rows[0];
  }

  /** The first result of an idempotent call already made with this key, if any. */
  private remembered(row: ReadRow, key: string | null, hash: string | null): Workflow | undefined {
    if (key === null || row.idempotent_result === null) return undefined;
    if (row.idempotent_hash !== hash)
      throw new ConflictError(
        `Idempotency key "${key}" was already used on workflow ${row.workflow_id} for a different transition.`,
      );
    return toWorkflow(row.idempotent_result);
  }
}
