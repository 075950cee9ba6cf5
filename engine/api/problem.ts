/**
 * Errors as JSON problem bodies (RFC 9457: type, title, status, detail, plus problems[]). Only server faults
 * are logged with their stack; a client never sees one.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { BatonError, ErrorCode, type Problem } from '../errors';
import type { Logger } from '../logger';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  problems: Problem[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemBody(status: number, code: string, detail: string, problems: Problem[] = []): ProblemBody {
  return { type: `https://baton.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`, title: TITLES[status] ?? 'Error', status, detail, code, problems };
}

/** body-parser's and multer's own errors, mapped to what they mean to a client. */
function fromParserError(error: { type?: string; status?: number; message?: string; code?: string }): ProblemBody | undefined {
  if (error.type === 'entity.too.large' || error.code === 'LIMIT_FILE_SIZE') {
    return problemBody(413, ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is larger than this route accepts');
  }
  if (error.type === 'entity.parse.failed') {
    return problemBody(400, ErrorCode.VALIDATION, `The body is not valid JSON: ${error.message ?? ''}`.trim());
  }
  if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
    return problemBody(error.status, ErrorCode.VALIDATION, error.message ?? 'Bad request');
  }
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let body: ProblemBody | undefined;
    if (error instanceof BatonError) body = problemBody(error.status, error.code, error.message, error.problems);
    else if (typeof error === 'object' && error !== null) body = fromParserError(error);
    if (!body || body.status >= 500) {
      logger.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed');
      body ??= problemBody(500, ErrorCode.INTERNAL, 'The server failed to handle the request; see its log');
    }
    res.status(body.status).type('application/problem+json').json(body);
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).type('application/problem+json').json(problemBody(404, ErrorCode.NOT_FOUND, `No route ${req.method} ${req.path}`));
};
