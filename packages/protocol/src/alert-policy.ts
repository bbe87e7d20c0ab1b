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
