import { ConflictError } from '../errors.js';
import type { WorkflowStatus } from './WorkflowDefinition.js';

/** Where a workflow stood when a change to it was refused. */
export interface WorkflowPosition {
  workflowId: string;
  status: WorkflowStatus;
  phase: string | null;
  version: number;
}

/**
 * A transition was refused because of the workflow's current state: it is illegal from there, the
 * expected version is stale, or a concurrent caller won the race. The message names the current
 * state; `current` carries it for code.
 */
export class WorkflowConflictError extends ConflictError {
  readonly current: WorkflowPosition;

  constructor(problem: string, current: WorkflowPosition) {
    const phase = current.phase === null ? 'no phase' : `phase "${current.phase}"`;
    super(
      `Workflow ${current.workflowId}: ${problem}; it is currently ${current.status} (${phase}, version ${current.version}).`,
    );
    this.current = current;
  }
}
