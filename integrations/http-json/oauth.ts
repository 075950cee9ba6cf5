/**
 * OAuth 2 client credentials (RFC 6749 section 4.4) for the HTTP JSON service: a token is fetched from the
 * token endpoint (POST, application/x-www-form-urlencoded, grant_type=client_credentials; the client
 * authenticates with HTTP basic, the default, or with client_id/client_secret in the body), cached per
 * (endpoint, client id, scopes, audience, secret) until shortly before `expires_in` runs out, and shared by
 * the calls that need it at the same time (one request in flight per key).
 *
 * Failures: a 4xx answer (bad credentials, unknown client, bad scope) is the BPMN error AUTH_FAILED, which
 * no retry can fix; a 5xx answer, a network error, a timeout or an answer without an access token fails the
 * job (retried). Messages name the endpoint (origin and path) and the OAuth `error` code, never a secret or
 * a token.
 */
import { createHash } from 'node:crypto';
import { BpmnError, JobFailure } from '../sdk';
import { describeFetchError } from './http-json-service';

export const AUTH_FAILED = 'AUTH_FAILED';

export type ClientAuthentication = 'basicAuthHeader' | 'credentialsBody';

export interface ClientCredentials {
  tokenEndpoint: URL;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes, as the `scope` form field carries them; '' for none. */
  scopes: string;
  audience: string;
  clientAuthentication: ClientAuthentication;
}

export interface AccessToken {
  /** The `Authorization` header value, e.g. `Bearer eyJ...`. */
  readonly authorization: string;
  /** Epoch ms after which the cache fetches a new one. */
  readonly refreshAt: number;
}

export interface TokenCacheOptions {
  /** How long a token without `expires_in` is kept. Default 60 s. */
  defaultLifetimeMs?: number;
  /** Most refresh margin before expiry; the margin is 10% of the lifetime up to this. Default 30 s. */
  maxMarginMs?: number;
  now?: () => number;
}

interface Entry {
  token?: AccessToken;
  pending?: Promise<AccessToken>;
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly defaultLifetimeMs: number;
  private readonly maxMarginMs: number;
  private readonly now: () => number;

  constructor(options: TokenCacheOptions = {}) {
    this.defaultLifetimeMs = options.defaultLifetimeMs ?? 60_000;
    this.maxMarginMs = options.maxMarginMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * A valid token for these credentials: the cached one, the one being fetched, or a new one.
   * `fresh` says whether this call fetched it (a 401 on a fresh token is not worth a second fetch).
   */
  async get(credentials: ClientCredentials, signal: AbortSignal, timeoutMs: number): Promise<{ token: AccessToken; fresh: boolean }> {
    const key = cacheKey(credentials);
    const entry = this.entries.get(key) ?? {};
    this.entries.set(key, entry);
    if (entry.token && entry.token.refreshAt > this.now()) return { token: entry.token, fresh: false };
    if (entry.pending) return { token: await entry.pending, fresh: false };
    const pending = this.fetchToken(credentials, signal, timeoutMs);
    entry.pending = pending;
    try {
      const token = await pending;
      entry.token = token;
      return { token, fresh: true };
    } finally {
      if (entry.pending === pending) entry.pending = undefined;
    }
  }

  /** Forgets a token the API refused (only if it is still the cached one). */
  invalidate(credentials: ClientCredentials, token: AccessToken): void {
    const entry = this.entries.get(cacheKey(credentials));
    if (entry?.token === token) entry.token = undefined;
  }

  clear(): void {
    this.entries.clear();
  }

  private async fetchToken(credentials: ClientCredentials, signal: AbortSignal, timeoutMs: number): Promise<AccessToken> {
    const { tokenEndpoint, clientId, clientSecret, scopes, audience, clientAuthentication } = credentials;
    const where = `token endpoint ${tokenEndpoint.origin}${tokenEndpoint.pathname}`;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scopes) form.set('scope', scopes);
    if (audience) form.set('audience', audience);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (clientAuthentication === 'credentialsBody') {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    } else {
      // RFC 6749 2.3.1: both parts form-urlencoded before the basic encoding
      headers.authorization = `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
    }
    const requestedAt = this.now();
    let response: Response;
    try {
      response = await fetch(tokenEndpoint, { method: 'POST', headers, body: form.toString(), signal, redirect: 'error' });
    } catch (err) {
      throw new JobFailure(`${where} failed: ${describeFetchError(err, timeoutMs)}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      throw new JobFailure(`${where} failed while answering: ${describeFetchError(err, timeoutMs)}`);
    }
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (response.status >= 400 && response.status < 500) {
      throw new BpmnError(AUTH_FAILED, `${where} refused the client credentials of '${clientId}' with ${response.status}${oauthError(json)}`);
    }
    if (!response.ok) {
      throw new JobFailure(`${where} answered ${response.status} ${response.statusText}${oauthError(json)}`.trim());
    }
    const accessToken = json?.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new JobFailure(`${where} answered ${response.status} without an access_token`);
    }
    const tokenType = typeof json?.token_type === 'string' && json.token_type !== '' ? json.token_type : 'Bearer';
    const expiresIn = Number(json?.expires_in);
    const lifetimeMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : this.defaultLifetimeMs;
    const marginMs = Math.min(this.maxMarginMs, lifetimeMs / 10);
    return {
      authorization: `${tokenType.toLowerCase() === 'bearer' ? 'Bearer' : tokenType} ${accessToken}`,
      refreshAt: requestedAt + lifetimeMs - marginMs,
    };
  }
}

/** The OAuth error code and description of a token endpoint's error answer, as ` (code: description)`. */
function oauthError(json: Record<string, unknown> | undefined): string {
  const code = typeof json?.error === 'string' ? json.error : undefined;
  if (!code) return '';
  const description = typeof json?.error_description === 'string' ? `: ${json.error_description.slice(0, 200)}` : '';
  return ` (${code}${description})`;
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** The secret takes part only as a hash: a call with a wrong secret never gets another caller's token. */
function cacheKey(c: ClientCredentials): string {
  const secret = createHash('sha256').update(c.clientSecret).digest('base64url');
  return JSON.stringify([c.tokenEndpoint.href, c.clientId, c.scopes, c.audience, secret]);
}
