/**
 * When a failing monitor becomes an incident, when it is over, and when it flaps: one policy for
 * both alert paths. The agent applies it to its local alerts (apps/agent/src/alerts/
 * state-machine.ts); the backend's engine has the same numbers as column defaults
 * (monitors.failures_to_open, monitors.successes_to_resolve, organizations.flap_threshold and
 * flap_window_minutes), which a backend test compares with these.
 */
export const ALERT_POLICY_DEFAULTS = {
  /** Consecutive failed checks before a monitor is declared down. */
  failuresToOpen: 2,
  /** Consecutive successful checks before it is declared restored. */
  successesToResolve: 2,
  /** More state changes than this within the window is flapping. */
  flapThreshold: 5,
  flapWindowMinutes: 30,
} as const;

/**
 * A DOWN held because the monitor was flapping (one FLAPPING notice went out already) is paged
 * once the monitor is stuck down: after this many consecutive failed checks (12 with the
 * defaults: six flapping cycles' worth of confirmations), or as soon as the state changes have
 * fallen out of the flapping window, whichever comes first. Without it a monitor that flapped
 * and then went down for good was never paged. The backend's engine uses the same formula
 * (private.apply_check).
 */
export function heldDownPagesAfter(policy: { failuresToOpen: number; flapThreshold: number }): number {
  return policy.failuresToOpen * (policy.flapThreshold + 1);
}
