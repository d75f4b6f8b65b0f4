import type { InstanceState } from './InstanceState.js';

export interface NotificationContext {
  now: number;
  repeatIntervalMs: number;
  /** A silence matches the alert's labels now. */
  silenced: boolean;
  /** The firing alert was acknowledged: no more repeats (the resolve still goes out). */
  acknowledged: boolean;
}

export interface NotificationDecision {
  notify: 'firing' | 'resolved' | null;
  /** Why a notification that was due is held back. */
  suppressedBy?: 'silence' | 'flapping' | 'acknowledged';
}

/**
 * Whether an instance notifies now: once when it starts firing or changes severity, again after the
 * repeat interval, once on resolve (only if its firing was notified). Silences and flapping hold
 * notifications back without recording them as sent, so they go out once the hold ends; flapping holds
 * only firing ones: a resolve of a notified alert always goes out, or receivers would keep it open. An
 * acknowledgement holds only repeats. Pure.
 */
export function decideNotification(state: InstanceState, context: NotificationContext): NotificationDecision {
  let notify: NotificationDecision['notify'] = null;
  if (state.state === 'firing') {
    const fresh = state.lastNotifiedStatus !== 'firing' || state.lastNotifiedSeverity !== state.severity;
    const repeatDue =
      state.lastNotifiedAt === null || context.now - state.lastNotifiedAt >= context.repeatIntervalMs;
    if (fresh) notify = 'firing';
    else if (repeatDue) {
      if (context.acknowledged) return { notify: null, suppressedBy: 'acknowledged' };
      notify = 'firing';
    }
  } else if (state.firingSince === null && state.lastNotifiedStatus === 'firing') {
    notify = 'resolved';
  }
  if (notify === null) return { notify };
  if (context.silenced) return { notify: null, suppressedBy: 'silence' };
  if (state.flapping && notify === 'firing') return { notify: null, suppressedBy: 'flapping' };
  return { notify };
}

/** The state after a notification went into the outbox. */
export function markNotified(
  state: InstanceState,
  status: 'firing' | 'resolved',
  now: number,
): InstanceState {
  return { ...state, lastNotifiedAt: now, lastNotifiedStatus: status, lastNotifiedSeverity: state.severity };
}
