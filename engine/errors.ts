/**
 * Every expected failure in Baton is one of these classes. Each carries a stable code (for clients and
 * logs) and the HTTP status the API answers with; `cause` keeps the underlying error.
 */

/** Where in a document a problem is, as far as the parser knows. */
export interface ProblemLocation {
  elementId?: string;
  line?: number;
  column?: number;
  /** JSON pointer, for problems in JSON documents. */
  pointer?: string;
}

/** One thing wrong with an input, and what to do about it. */
export interface Problem extends ProblemLocation {
  code: string;
  message: string;
}

export const ErrorCode = {
  VALIDATION: 'VALIDATION',
  DEPLOYMENT_INVALID: 'DEPLOYMENT_INVALID',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  EXPRESSION: 'EXPRESSION',
  BUS: 'BUS',
  STORE: 'STORE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class BatonError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly problems: Problem[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request body or parameter that breaks its schema. */
export class ValidationError extends BatonError {
  constructor(message: string, problems: Problem[] = []) {
    super(ErrorCode.VALIDATION, 400, message, problems);
  }
}

/** A BPMN definition that cannot be deployed; `problems` lists every reason at once. */
export class DeploymentError extends BatonError {
  constructor(problems: Problem[]) {
    super(ErrorCode.DEPLOYMENT_INVALID, 400, `The deployment has ${problems.length} problem(s); nothing was deployed`, problems);
  }
}

export class NotFoundError extends BatonError {
  constructor(what: string, key: string) {
    super(ErrorCode.NOT_FOUND, 404, `${what} '${key}' does not exist`);
  }
}

export class ConflictError extends BatonError {
  constructor(message: string) {
    super(ErrorCode.CONFLICT, 409, message);
  }
}

/** A JSONata expression that does not compile, fails, or breaks its time or depth budget. */
export class ExpressionError extends BatonError {
  constructor(
    message: string,
    readonly expression: string,
    readonly position?: number,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.EXPRESSION, 400, message, [], options);
  }
}

export class BusError extends BatonError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.BUS, 503, message, [], options);
  }
}

export class StoreError extends BatonError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.STORE, 503, message, [], options);
  }
}
