import type { WorkflowStatus } from './WorkflowDefinition.js';

/** One workflow as stored in `workflow_state`. */
export interface Workflow {
  workflowId: string;
  /** 32 lowercase hex: the workflow's trace id. */
  correlationId: string;
  workflowType: string;
  currentPhase: string | null;
  status: WorkflowStatus;
  createdAt: Date;
  updatedAt: Date;
  metadata: Record<string, unknown>;
  /** 1 at creation, +1 per transition. */
  version: number;
  /** When the current (status, phase) was entered. */
  phaseEnteredAt: Date;
  heartbeatAt: Date | null;
  /** Hard deadline of the current phase. */
  deadlineAt: Date | null;
  heartbeatTimeoutMs: number | null;
  /** When the workflow counts as stuck unless it moves or heartbeats: the earlier of both limits. */
  dueAt: Date | null;
  stuck: boolean;
  stuckSince: Date | null;
  lastActor: string | null;
  lastReason: string | null;
  lastError: string | null;
  /** Trace and span active in the caller of the last change. */
  lastTraceId: string | null;
  lastSpanId: string | null;
  /** When it reached a terminal status. */
  closedAt: Date | null;
}

/** One entry of a workflow's history. */
export interface WorkflowHistoryEntry {
  workflowId: string;
  /** The workflow's version after this entry. */
  version: number;
  event: 'created' | 'transition' | 'stuck';
  fromStatus: WorkflowStatus | null;
  toStatus: WorkflowStatus;
  fromPhase: string | null;
  toPhase: string | null;
  at: Date;
  actor: string | null;
  reason: string | null;
  error: string | null;
  /** The metadata given with this change (merged into the workflow's). */
  metadata: Record<string, unknown>;
  traceId: string | null;
  spanId: string | null;
  idempotencyKey: string | null;
}

type Row = Record<string, unknown>;

// Rows come from the drivers (Dates) or from a stored to_jsonb snapshot (ISO strings).
const date = (value: unknown): Date => (value instanceof Date ? value : new Date(value as string));
const optionalDate = (value: unknown): Date | null => (value == null ? null : date(value));
const text = (value: unknown): string | null => (value == null ? null : String(value));

export function toWorkflow(row: Row): Workflow {
  return {
    workflowId: String(row.workflow_id),
    correlationId: String(row.correlation_id),
    workflowType: String(row.workflow_type),
    currentPhase: text(row.current_phase),
    status: row.status as WorkflowStatus,
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
    version: Number(row.version),
    phaseEnteredAt: date(row.phase_entered_at),
    heartbeatAt: optionalDate(row.heartbeat_at),
    deadlineAt: optionalDate(row.deadline_at),
    heartbeatTimeoutMs: row.heartbeat_timeout_ms == null ? null : Number(row.heartbeat_timeout_ms),
    dueAt: optionalDate(row.due_at),
    stuck: row.stuck === true,
    stuckSince: optionalDate(row.stuck_since),
    lastActor: text(row.last_actor),
    lastReason: text(row.last_reason),
    lastError: text(row.last_error),
    lastTraceId: text(row.last_trace_id),
    lastSpanId: text(row.last_span_id),
    closedAt: optionalDate(row.closed_at),
  };
}

export function toHistoryEntry(row: Row): WorkflowHistoryEntry {
  return {
    workflowId: String(row.workflow_id),
    version: Number(row.version),
    event: row.event as WorkflowHistoryEntry['event'],
    fromStatus: (row.from_status ?? null) as WorkflowStatus | null,
    toStatus: row.to_status as WorkflowStatus,
    fromPhase: text(row.from_phase),
    toPhase: text(row.to_phase),
    at: date(row.at),
    actor: text(row.actor),
    reason: text(row.reason),
    error: text(row.error),
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
    traceId: text(row.trace_id),
    spanId: text(row.span_id),
    idempotencyKey: text(row.idempotency_key),
  };
}
