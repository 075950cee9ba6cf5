/**
 * Version 2 of the HTTP JSON operation (element-templates/http-json/io.baton.http.json-2.json, task type
 * io.baton.http.json:2): version 1's call (same inputs, same answer { status, headers, body }) plus
 * - `authentication`: { type: none | basic | bearer | oauth-client-credentials, username, password, token,
 *   oauthTokenEndpoint, clientId, clientSecret, scopes, audience, clientAuthentication };
 * - `timeout`: seconds for the whole call (token fetch included), capped by the job's deadline; without
 *   it the jobTimeout header (or the service default) applies.
 * Answers as version 1 (2xx-4xx complete for the errorExpression to map, 5xx / network / timeout fail and
 * are retried, INVALID_INPUT for inputs no retry can fix), and AUTH_FAILED when the token endpoint refuses
 * the client credentials. Secrets, tokens and Authorization headers are never logged or put in a message.
 */
import type { Bus } from '../../engine/bus/bus';
import { createLogger } from '../../engine/logger';
import { BpmnError, createWorker, JobFailure, type Job, type Worker } from '../sdk';
import { describeFetchError, INVALID_INPUT, readInput, readResponse, timeoutFor, type HttpJsonResult, type HttpJsonServiceOptions } from './http-json-service';
import { TokenCache, type AccessToken, type ClientAuthentication, type ClientCredentials } from './oauth';

export const HTTP_JSON_V2_TASK_TYPE = 'io.baton.http.json:2';
export const AUTHENTICATION_TYPES = ['none', 'basic', 'bearer', 'oauth-client-credentials'] as const;
export type AuthenticationType = (typeof AUTHENTICATION_TYPES)[number];
export const CLIENT_AUTHENTICATIONS: readonly ClientAuthentication[] = ['basicAuthHeader', 'credentialsBody'];

export interface HttpJsonV2ServiceOptions extends HttpJsonServiceOptions {
  /** The OAuth token cache; one per service by default. */
  tokenCache?: TokenCache;
}

type Authentication =
  | { type: 'none' }
  | { type: 'basic'; authorization: string }
  | { type: 'bearer'; authorization: string }
  | { type: 'oauth-client-credentials'; credentials: ClientCredentials };

export function startHttpJsonV2Service(bus: Bus, options: HttpJsonV2ServiceOptions = {}): Promise<Worker> {
  const logger = options.logger ?? createLogger('http-json');
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
  const maxResponseBytes = options.maxResponseBytes ?? 512 * 1024;
  const tokens = options.tokenCache ?? new TokenCache();
  return createWorker(bus, {
    taskType: HTTP_JSON_V2_TASK_TYPE,
    concurrency: options.concurrency ?? 8,
    logger,
    handler: async (job) => {
      const call = readInput(job);
      const auth = readAuthentication(job.variables.authentication);
      const { timeoutMs, what } = callTimeout(job, defaultTimeoutMs);
      // One budget for the whole call: token fetch, request and a second request after a refused token.
      const signal = AbortSignal.timeout(timeoutMs);
      const where = `${call.method} ${call.url.origin}${call.url.pathname}`; // no query: it may carry secrets
      const describe = (err: unknown) => {
        const text = describeFetchError(err, timeoutMs);
        return text.startsWith('no answer within') ? `no answer within ${what}` : text;
      };
      const send = async (authorization: string | undefined): Promise<HttpJsonResult> => {
        const headers = withoutAuthorization(call.headers, authorization !== undefined);
        if (authorization !== undefined) headers.authorization = authorization;
        let response: Response;
        try {
          response = await fetch(call.url, { method: call.method, headers, body: call.body, signal, redirect: 'follow' });
        } catch (err) {
          throw new JobFailure(`${where} failed: ${describe(err)}`);
        }
        try {
          return await readResponse(response, where, maxResponseBytes);
        } catch (err) {
          if (err instanceof JobFailure) throw err;
          throw new JobFailure(`${where} failed while answering: ${describe(err)}`);
        }
      };

      let result: HttpJsonResult;
      if (auth.type === 'oauth-client-credentials') {
        const first = await oauthToken(tokens, auth.credentials, signal, timeoutMs, what);
        result = await send(first.token.authorization);
        if (result.status === 401 && !first.fresh) {
          // The cached token was revoked or expired early: fetch one new token and try once more.
          tokens.invalidate(auth.credentials, first.token);
          const second = await oauthToken(tokens, auth.credentials, signal, timeoutMs, what);
          logger.debug({ jobKey: job.key, where }, 'cached OAuth token refused with 401; fetched a new one');
          result = await send(second.token.authorization);
        }
      } else {
        result = await send(auth.type === 'none' ? undefined : auth.authorization);
      }
      if (result.status >= 500) throw new JobFailure(`${where} answered ${result.status}`);
      logger.debug({ jobKey: job.key, where, status: result.status, authentication: auth.type }, 'HTTP call done');
      return result;
    },
  });
}

async function oauthToken(tokens: TokenCache, credentials: ClientCredentials, signal: AbortSignal, timeoutMs: number, what: string): Promise<{ token: AccessToken; fresh: boolean }> {
  try {
    return await tokens.get(credentials, signal, timeoutMs);
  } catch (err) {
    if (err instanceof JobFailure && err.message.includes(`no answer within ${timeoutMs} ms`)) {
      throw new JobFailure(err.message.replace(`no answer within ${timeoutMs} ms`, `no answer within ${what}`));
    }
    throw err;
  }
}

/** The call's time budget: the `timeout` input (seconds), else the jobTimeout header, never past the deadline. */
function callTimeout(job: Job, fallbackMs: number): { timeoutMs: number; what: string } {
  const raw = job.variables.timeout;
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    const timeoutMs = timeoutFor(job, fallbackMs);
    return { timeoutMs, what: `${timeoutMs} ms (the task's jobTimeout)` };
  }
  const seconds = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new BpmnError(INVALID_INPUT, `Input 'timeout' is ${JSON.stringify(raw)}; use a positive number of seconds`);
  }
  const untilDeadline = job.deadline - Date.now();
  const wanted = Math.round(seconds * 1000);
  if (untilDeadline > 0 && untilDeadline < wanted) {
    const timeoutMs = Math.max(1, untilDeadline);
    return { timeoutMs, what: `${timeoutMs} ms (the job's deadline, before the timeout of ${seconds} s)` };
  }
  return { timeoutMs: Math.max(1, wanted), what: `the timeout of ${seconds} s` };
}

function readAuthentication(raw: unknown): Authentication {
  if (raw === undefined || raw === null) return { type: 'none' };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new BpmnError(INVALID_INPUT, `Input 'authentication' must be an object with a 'type'`);
  }
  const a = raw as Record<string, unknown>;
  const type = a.type === undefined || a.type === null || a.type === '' ? 'none' : a.type;
  if (!AUTHENTICATION_TYPES.includes(type as AuthenticationType)) {
    throw new BpmnError(INVALID_INPUT, `Input 'authentication.type' is ${JSON.stringify(type)}; use one of ${AUTHENTICATION_TYPES.join(', ')}`);
  }
  switch (type as AuthenticationType) {
    case 'none':
      return { type: 'none' };
    case 'basic': {
      const username = required(a, 'username');
      const password = a.password === undefined || a.password === null ? '' : text(a, 'password');
      return { type: 'basic', authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
    }
    case 'bearer':
      return { type: 'bearer', authorization: `Bearer ${required(a, 'token')}` };
    case 'oauth-client-credentials': {
      const endpoint = required(a, 'oauthTokenEndpoint');
      let tokenEndpoint: URL;
      try {
        tokenEndpoint = new URL(endpoint);
      } catch {
        throw new BpmnError(INVALID_INPUT, `Input 'authentication.oauthTokenEndpoint' is not a URL`);
      }
      if (tokenEndpoint.protocol !== 'http:' && tokenEndpoint.protocol !== 'https:') {
        throw new BpmnError(INVALID_INPUT, `Input 'authentication.oauthTokenEndpoint' must use http or https, not ${tokenEndpoint.protocol}`);
      }
      const clientAuthentication = a.clientAuthentication === undefined || a.clientAuthentication === null || a.clientAuthentication === '' ? 'basicAuthHeader' : a.clientAuthentication;
      if (!CLIENT_AUTHENTICATIONS.includes(clientAuthentication as ClientAuthentication)) {
        throw new BpmnError(INVALID_INPUT, `Input 'authentication.clientAuthentication' is ${JSON.stringify(clientAuthentication)}; use one of ${CLIENT_AUTHENTICATIONS.join(', ')}`);
      }
      return {
        type: 'oauth-client-credentials',
        credentials: {
          tokenEndpoint,
          clientId: required(a, 'clientId'),
          clientSecret: required(a, 'clientSecret'),
          scopes: scopesOf(a.scopes),
          audience: a.audience === undefined || a.audience === null ? '' : text(a, 'audience'),
          clientAuthentication: clientAuthentication as ClientAuthentication,
        },
      };
    }
  }
}

/** A non-empty string field of `authentication`; the message names the field, never its value. */
function required(a: Record<string, unknown>, name: string): string {
  const value = a[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new BpmnError(INVALID_INPUT, `Input 'authentication.${name}' is missing or empty for authentication type '${String(a.type)}'`);
  }
  return value;
}

function text(a: Record<string, unknown>, name: string): string {
  const value = a[name];
  if (typeof value !== 'string' && typeof value !== 'number') throw new BpmnError(INVALID_INPUT, `Input 'authentication.${name}' must be a string`);
  return String(value);
}

/** Scopes as the form field carries them: a space-separated string, from a string or an array of strings. */
function scopesOf(raw: unknown): string {
  if (raw === undefined || raw === null) return '';
  if (Array.isArray(raw) && raw.every((s) => typeof s === 'string')) return raw.map((s) => s.trim()).filter(Boolean).join(' ');
  if (typeof raw === 'string') return raw.split(/\s+/).filter(Boolean).join(' ');
  throw new BpmnError(INVALID_INPUT, `Input 'authentication.scopes' must be a space-separated string or an array of strings`);
}

/** The request headers without any Authorization header of the model's when the authentication sets one. */
function withoutAuthorization(headers: Record<string, string>, drop: boolean): Record<string, string> {
  if (!drop) return { ...headers };
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
}
