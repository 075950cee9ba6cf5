/** What a job handler throws to answer other than "complete". */

/** A BPMN error: the process catches it by `code` with an error boundary or event sub-process. */
export class BpmnError extends Error {
  constructor(
    readonly code: string,
    message?: string,
    readonly variables?: Record<string, unknown>,
  ) {
    super(message ?? code);
    this.name = 'BpmnError';
    if (typeof code !== 'string' || code.length === 0) throw new TypeError('A BpmnError needs a non-empty code');
  }
}

export interface JobFailureOptions {
  /** Retries left after this failure; default the job's retries minus one. 0 raises an incident. */
  retries?: number;
  /** Back-off before the next attempt; default the task's retryBackoff. */
  retryBackoffMs?: number;
  cause?: unknown;
}

/** A technical failure with explicit retry settings (any other thrown error is a failure with defaults). */
export class JobFailure extends Error {
  readonly retries?: number;
  readonly retryBackoffMs?: number;

  constructor(message: string, options: JobFailureOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'JobFailure';
    this.retries = options.retries;
    this.retryBackoffMs = options.retryBackoffMs;
  }
}
