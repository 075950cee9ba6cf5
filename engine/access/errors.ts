/** Access failures, each with its HTTP status (nats.js style: one class per failure). */
import { BatonError, ErrorCode } from '../errors';

/** No key, or a key Baton does not know (or revoked): 401. */
export class UnauthorizedError extends BatonError {
  constructor(message: string) {
    super(ErrorCode.UNAUTHORIZED, 401, message);
  }
}

/** A valid key whose role or namespaces do not allow the request: 403. */
export class ForbiddenError extends BatonError {
  constructor(message: string) {
    super(ErrorCode.FORBIDDEN, 403, message);
  }
}
