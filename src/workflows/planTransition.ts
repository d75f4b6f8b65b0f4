import { ValidationError } from '../errors.js';
import type { Workflow } from './Workflow.js';
import { WorkflowConflictError } from './WorkflowConflictError.js';
import {
  defaultLifecycle,
  isTerminalStatus,
  type WorkflowDefinition,
  type WorkflowStatus,
} from './WorkflowDefinition.js';

/** The time-keeping columns of a workflow after a change. */
export interface PlannedState {
  status: WorkflowStatus;
  phase: string | null;
  phaseEnteredAt: Date;
  heartbeatAt: Date | null;
  deadlineAt: Date | null;
  heartbeatTimeoutMs: number | null;
  dueAt: Date | null;
  closedAt: Date | null;
}

/** What a transition plan needs to know about the workflow as it stands. */
export type CurrentState = Pick<
  Workflow,
  | 'workflowId'
  | 'status'
  | 'currentPhase'
  | 'version'
  | 'phaseEnteredAt'
  | 'deadlineAt'
  | 'heartbeatTimeoutMs'
>;

/** The earlier of the phase deadline and the heartbeat deadline (silence counts from phase entry). */
export function dueAt(
  deadlineAt: Date | null,
  heartbeatTimeoutMs: number | null,
  heartbeatAt: Date | null,
  phaseEnteredAt: Date,
): Date | null {
  const heartbeatDue =
    heartbeatTimeoutMs === null
      ? null
      : new Date((heartbeatAt ?? phaseEnteredAt).getTime() + heartbeatTimeoutMs);
  if (deadlineAt === null) return heartbeatDue;
  if (heartbeatDue === null) return deadlineAt;
  return deadlineAt < heartbeatDue ? deadlineAt : heartbeatDue;
}

function checkPhase(definition: WorkflowDefinition, type: string, phase: string | null): void {
  if (phase === null || !definition.phases || phase in definition.phases) return;
  throw new ValidationError(
    `Phase "${phase}" is not a phase of workflow type "${type}" (known: ${Object.keys(definition.phases).join(', ')}).`,
  );
}

/** Time-keeping of a workflow entering (status, phase) at `now`: a fresh deadline and heartbeat clock. */
export function planEntry(
  definition: WorkflowDefinition,
  type: string,
  status: WorkflowStatus,
  phase: string | null,
  now: Date,
): PlannedState {
  checkPhase(definition, type, phase);
  const closed = isTerminalStatus(status);
  const limits = phase === null ? undefined : definition.phases?.[phase];
  const timeoutMs = closed ? undefined : (limits?.timeoutMs ?? definition.timeoutMs);
  const heartbeatTimeoutMs = closed
    ? null
    : (limits?.heartbeatTimeoutMs ?? definition.heartbeatTimeoutMs ?? null);
  const deadlineAt = timeoutMs === undefined ? null : new Date(now.getTime() + timeoutMs);
  return {
    status,
    phase,
    phaseEnteredAt: now,
    heartbeatAt: null,
    deadlineAt,
    heartbeatTimeoutMs,
    dueAt: dueAt(deadlineAt, heartbeatTimeoutMs, null, now),
    closedAt: closed ? now : null,
  };
}

/**
 * Whether a move of `current` to (status, phase) would record nothing new: an open workflow asked to
 * stay where it is with no metadata (`metadata` as serialised, `{}` when none) and no error. Such a
 * repeat, a retried or duplicated "start", is a no-op rather than a new version and history entry.
 */
export function changesNothing(
  current: Pick<CurrentState, 'status' | 'currentPhase'>,
  to: { status: WorkflowStatus; phase: string | null },
  recorded: { metadata: string; error: string | null },
): boolean {
  return (
    !isTerminalStatus(current.status) &&
    to.status === current.status &&
    to.phase === current.currentPhase &&
    recorded.metadata === '{}' &&
    recorded.error === null
  );
}

/**
 * Checks a move of `current` to (status, phase) against the type's rules and plans the new state.
 * Illegal moves throw a WorkflowConflictError naming the current state; unknown phases a
 * ValidationError. Staying in the same (status, phase) keeps the deadline and counts as a heartbeat.
 */
export function planTransition(
  definition: WorkflowDefinition,
  type: string,
  current: CurrentState,
  to: { status: WorkflowStatus; phase: string | null },
  now: Date,
): PlannedState {
  const position = {
    workflowId: current.workflowId,
    status: current.status,
    phase: current.currentPhase,
    version: current.version,
  };
  if (isTerminalStatus(current.status))
    throw new WorkflowConflictError(
      `cannot move to ${to.status}: ${current.status} is a terminal status and cannot be left`,
      position,
    );
  const allowed = definition.statuses?.[current.status] ?? defaultLifecycle[current.status];
  if (!allowed.includes(to.status))
    throw new WorkflowConflictError(
      `illegal transition ${current.status} -> ${to.status} (allowed: ${allowed.join(', ') || 'none'})`,
      position,
    );
  checkPhase(definition, type, to.phase);
  const phaseChanged = to.phase !== current.currentPhase;
  const next = current.currentPhase === null ? undefined : definition.phases?.[current.currentPhase]?.next;
  if (phaseChanged && to.phase !== null && next && !next.includes(to.phase))
    throw new WorkflowConflictError(
      `illegal phase change "${current.currentPhase}" -> "${to.phase}" (allowed: ${next.join(', ') || 'none'})`,
      position,
    );
  if (phaseChanged || to.status !== current.status)
    return planEntry(definition, type, to.status, to.phase, now);
  return {
    status: to.status,
    phase: to.phase,
    phaseEnteredAt: current.phaseEnteredAt,
    heartbeatAt: now,
    deadlineAt: current.deadlineAt,
    heartbeatTimeoutMs: current.heartbeatTimeoutMs,
    dueAt: dueAt(current.deadlineAt, current.heartbeatTimeoutMs, now, current.phaseEnteredAt),
    closedAt: null,
  };
}
