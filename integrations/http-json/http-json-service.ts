/**
 * The service behind element-templates/http-json/io.baton.http.json-1.json: one HTTP call per job.
 * Answers: complete with { status, headers, body } for 2xx-4xx (a 4xx is the process's business, mapped by
 * the template's errorExpression); fail (retried) for network errors, timeouts and 5xx; BPMN error
 * INVALID_INPUT for inputs no retry can fix (no url, bad method, headers not an object).
 */
import type { Bus } from '../../engine/bus/bus';
import type { Logger } from '../../engine/logger';
import { createLogger } from '../../engine/logger';
import { tryParseDuration } from '../../engine/mapping/duration';
import { BpmnError, createWorker, JobFailure, type Job, type Worker } from '../sdk';

export const HTTP_JSON_TASK_TYPE = 'io.baton.http.json:1';
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export const INVALID_INPUT = 'INVALID_INPUT';

export interface HttpJsonServiceOptions {
  /** Calls in flight at once. Default 8. */
  concurrency?: number;
  logger?: Logger;
  /** Timeout when the task has no jobTimeout header. Default 30 s. */
  defaultTimeoutMs?: number;
  /** Larger response bodies fail the job without retries (an answer must fit in one bus message). Default 512 KiB. */
  maxResponseBytes?: number;
}

export interface HttpJsonResult extends Record<string, unknown> {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface HttpCall {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

export function startHttpJsonService(bus: Bus, options: HttpJsonServiceOptions = {}): Promise<Worker> {
  const logger = options.logger ?? createLogger('http-json');
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
  const maxResponseBytes = options.maxResponseBytes ?? 512 * 1024;
  return createWorker(bus, {
    taskType: HTTP_JSON_TASK_TYPE,
    concurrency: options.concurrency ?? 8,
    logger,
    handler: async (job) => {
      const call = readInput(job);
      const timeoutMs = timeoutFor(job, defaultTimeoutMs);
      const where = `${call.method} ${call.url.origin}${call.url.pathname}`; // no query: it may carry secrets
      let response: Response;
      try {
        response = await fetch(call.url, { method: call.method, headers: call.headers, body: call.body, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
      } catch (err) {
        throw new JobFailure(`${where} failed: ${describeFetchError(err, timeoutMs)}`, { cause: err });
      }
      const result = await readResponse(response, where, maxResponseBytes);
      if (response.status >= 500) {
        throw new JobFailure(`${where} answered ${response.status} ${response.statusText}`.trim());
      }
      logger.debug({ jobKey: job.key, where, status: response.status }, 'HTTP call done');
      return result;
    },
  });
}

export function readInput(job: Job): HttpCall {
  const { method: rawMethod = 'GET', url: rawUrl, headers: rawHeaders, body } = job.variables;
  const method = typeof rawMethod === 'string' ? rawMethod.toUpperCase() : rawMethod;
  if (!HTTP_METHODS.includes(method as HttpMethod)) {
    throw new BpmnError(INVALID_INPUT, `Input 'method' is ${JSON.stringify(rawMethod)}; use one of ${HTTP_METHODS.join(', ')}`);
  }
  if (typeof rawUrl !== 'string' || rawUrl.trim() === '') {
    throw new BpmnError(INVALID_INPUT, `Input 'url' is missing or empty; bind it to an http(s) URL`);
  }
  let url: URL;
  try {
    url = new URL(rawUrl.trim());
  } catch {
    throw new BpmnError(INVALID_INPUT, `Input 'url' is not a URL: ${JSON.stringify(rawUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BpmnError(INVALID_INPUT, `Input 'url' must use http or https, not ${url.protocol}`);
  }
  const headers: Record<string, string> = {};
  if (rawHeaders !== undefined && rawHeaders !== null) {
    if (typeof rawHeaders !== 'object' || Array.isArray(rawHeaders)) {
      throw new BpmnError(INVALID_INPUT, `Input 'headers' must be an object of header names to values`);
    }
    for (const [name, value] of Object.entries(rawHeaders)) {
      if (value === undefined || value === null) continue;
      if (typeof value === 'object') throw new BpmnError(INVALID_INPUT, `Header '${name}' must be a string, number or boolean`);
      headers[name] = String(value);
    }
  }
  const hasHeader = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  if (!hasHeader('accept')) headers.accept = 'application/json, text/plain;q=0.9, */*;q=0.8';
  let payload: string | undefined;
  if (body !== undefined && body !== null && method !== 'GET') {
    const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
    if (typeof body === 'string' && contentType !== undefined && !isJsonType(contentType)) {
      payload = body; // the model chose a non-JSON content type: send the text as it is
    } else {
      payload = JSON.stringify(body);
      if (!contentType) headers['content-type'] = 'application/json';
    }
  }
  return { method: method as HttpMethod, url, headers, body: payload };
}

/** The task's jobTimeout, never past the job's deadline. */
export function timeoutFor(job: Job, fallbackMs: number): number {
  const configured = job.customHeaders.jobTimeout ? tryParseDuration(job.customHeaders.jobTimeout) : undefined;
  const timeout = configured && configured > 0 ? configured : fallbackMs;
  const untilDeadline = job.deadline - Date.now();
  return Math.max(1, untilDeadline > 0 ? Math.min(timeout, untilDeadline) : timeout);
}

export async function readResponse(response: Response, where: string, maxBytes: number): Promise<HttpJsonResult> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new JobFailure(`${where} answered ${declared} bytes, more than the ${maxBytes} an answer may carry`, { retries: 0 });
  }
  const text = await response.text();
  if (Buffer.byteLength(text) > maxBytes) {
    throw new JobFailure(`${where} answered more than the ${maxBytes} bytes an answer may carry`, { retries: 0 });
  }
  let body: unknown = text;
  if (isJsonType(response.headers.get('content-type') ?? '')) {
    try {
      body = text.length === 0 ? null : JSON.parse(text);
    } catch {
      body = text; // says JSON, is not: keep the text rather than lose it
    }
  }
  return { status: response.status, headers, body };
}

export function isJsonType(contentType: string): boolean {
  const type = contentType.split(';')[0].trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

export function describeFetchError(err: unknown, timeoutMs: number): string {
  // fetch's errors come from Node's own realm: read them by shape, not with instanceof
  const e = (err ?? {}) as { name?: string; message?: string; cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e.cause?.code ?? e.cause?.errors?.find((x) => x.code)?.code;
  if (code) return e.cause?.message && e.cause.message !== code ? `${code} (${e.cause.message})` : code;
  return e.cause?.message ?? e.message ?? String(err);
}
