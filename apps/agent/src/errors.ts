/**
 * Typed errors with stable exit codes (sysexits.h where one fits). main.ts prints them in one
 * place; scripts can rely on the codes.
 */
export const EXIT = {
  ok: 0,
  /** `check`: at least one monitor is down. */
  checkFailed: 1,
  usage: 64,
  /** Backend unreachable (e.g. during `register`). */
  unavailable: 69,
  software: 70,
  /** State database cannot be opened or written. */
  cantCreate: 73,
  /** The backend rejected the API key. */
  noPermission: 77,
  config: 78,
} as const;
type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class AgentError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.name = "AgentError";
    this.exitCode = exitCode;
  }
}

/** One problem in the config file, located at file:line:column. */
export interface ConfigIssue {
  file: string;
  line?: number;
  column?: number;
  /** e.g. "monitors[2].check_interval"; empty for the whole document. */
  path: string;
  message: string;
}

function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

export class ConfigError extends AgentError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatConfigIssue).join("\n"), EXIT.config);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

export class UsageError extends AgentError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = "UsageError";
  }
}

export class StateError extends AgentError {
  constructor(message: string) {
    super(message, EXIT.cantCreate);
    this.name = "StateError";
  }
}

export class BackendUnavailableError extends AgentError {
  constructor(message: string) {
    super(message, EXIT.unavailable);
    this.name = "BackendUnavailableError";
  }
}

export class BackendAuthError extends AgentError {
  constructor(message: string) {
    super(message, EXIT.noPermission);
    this.name = "BackendAuthError";
  }
}

/** The backend refused what the key may otherwise do: the organization's plan has no room (402). */
export class BackendRefusedError extends AgentError {
  constructor(message: string) {
    super(message, EXIT.noPermission);
    this.name = "BackendRefusedError";
  }
}

/** `check` found a monitor down; not a failure of the agent itself. */
export class CheckFailedError extends AgentError {
  constructor(message: string) {
    super(message, EXIT.checkFailed);
    this.name = "CheckFailedError";
  }
}
