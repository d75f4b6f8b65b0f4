import { ConfigError } from '../errors.js';

/** The five statuses of a workflow (the `workflow_state.status` values). */
export const WORKFLOW_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
/** The status of a workflow: one of `WORKFLOW_STATUSES`. */
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

const TERMINAL: ReadonlySet<WorkflowStatus> = new Set(['completed', 'failed', 'cancelled']);

/** Completed, failed and cancelled workflows are closed for good: no transition leaves them. */
export function isTerminalStatus(status: WorkflowStatus): boolean {
  return TERMINAL.has(status);
}

export function isWorkflowStatus(value: unknown): value is WorkflowStatus {
  return typeof value === 'string' && (WORKFLOW_STATUSES as readonly string[]).includes(value);
}

/** Rules and time limits of one phase of a workflow type. */
export interface PhaseDefinition {
  /** Phases that may follow this one; omitted: any phase of the type. */
  next?: readonly string[];
  /** Longest time a workflow may stay in this phase before it counts as stuck; omitted: no limit. */
  timeoutMs?: number;
  /**
   * Longest silence between heartbeats in this phase before it counts as stuck; a workflow that
   * never heartbeats counts from when it entered the phase. Omitted: the type's `heartbeatTimeoutMs`.
   */
  heartbeatTimeoutMs?: number;
}

/** Phases, allowed moves and time limits of one workflow type. Every field is optional. */
export interface WorkflowDefinition {
  /** Known phases; when given, any other phase is refused. Omitted: any phase name is accepted. */
  phases?: Readonly<Record<string, PhaseDefinition>>;
  /** Phase a new workflow starts in (default none: NULL). */
  initialPhase?: string;
  /**
   * Allowed status moves (default {@link defaultLifecycle}). Staying in the same open status is a
   * phase change and is allowed when listed. Terminal statuses may not list any move.
   */
  statuses?: Readonly<Partial<Record<WorkflowStatus, readonly WorkflowStatus[]>>>;
  /** Time limit of phases that set none (default: no limit). */
  timeoutMs?: number;
  /** Heartbeat limit of phases that set none (default: heartbeats are not checked). */
  heartbeatTimeoutMs?: number;
}

/**
 * `pending -> running -> completed | failed | cancelled`; a pending workflow may also be failed or
 * cancelled before it starts, and an open one may change phase without changing status.
 */
export const defaultLifecycle: Readonly<Record<WorkflowStatus, readonly WorkflowStatus[]>> = {
  pending: ['pending', 'running', 'failed', 'cancelled'],
  running: ['running', 'completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

const MAX_TIMEOUT_MS = 2_147_483_647;

function checkTimeout(where: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value <= 0 || value > MAX_TIMEOUT_MS)
    throw new ConfigError(`${where} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}.`);
}

/**
 * Checks a workflow type's definition once, up front, so a typo fails at startup and not on the
 * first transition. Returns the definition unchanged.
 */
export function defineWorkflow(type: string, definition: WorkflowDefinition): WorkflowDefinition {
  const where = `Workflow type "${type}"`;
  for (const [from, targets] of Object.entries(definition.statuses ?? {})) {
    if (!isWorkflowStatus(from)) throw new ConfigError(`${where} lists unknown status "${from}".`);
    for (const to of targets ?? []) {
      if (!isWorkflowStatus(to)) throw new ConfigError(`${where} lists unknown status "${to}".`);
    }
    if (isTerminalStatus(from) && (targets ?? []).length > 0)
      throw new ConfigError(`${where} lets "${from}" move on, but terminal statuses cannot be left.`);
  }
  const phases = definition.phases;
  if (phases && definition.initialPhase !== undefined && !(definition.initialPhase in phases))
    throw new ConfigError(`${where}: initial phase "${definition.initialPhase}" is not among its phases.`);
  for (const [name, phase] of Object.entries(phases ?? {})) {
    for (const next of phase.next ?? []) {
      if (phases && !(next in phases))
        throw new ConfigError(`${where}: phase "${name}" leads to unknown phase "${next}".`);
    }
    checkTimeout(`${where} phase "${name}" timeoutMs`, phase.timeoutMs);
    checkTimeout(`${where} phase "${name}" heartbeatTimeoutMs`, phase.heartbeatTimeoutMs);
  }
  checkTimeout(`${where} timeoutMs`, definition.timeoutMs);
  checkTimeout(`${where} heartbeatTimeoutMs`, definition.heartbeatTimeoutMs);
  return definition;
}
