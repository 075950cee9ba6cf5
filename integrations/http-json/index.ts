/** The HTTP JSON reference service: task types io.baton.http.json:1 and io.baton.http.json:2. */
import type { Bus } from '../../engine/bus/bus';
import type { Worker } from '../sdk';
import { startHttpJsonService, type HttpJsonServiceOptions } from './http-json-service';
import { startHttpJsonV2Service, type HttpJsonV2ServiceOptions } from './http-json-v2';

export { startHttpJsonService, HTTP_JSON_TASK_TYPE, HTTP_METHODS, INVALID_INPUT } from './http-json-service';
export type { HttpJsonServiceOptions, HttpJsonResult, HttpMethod } from './http-json-service';
export { startHttpJsonV2Service, HTTP_JSON_V2_TASK_TYPE, AUTHENTICATION_TYPES, CLIENT_AUTHENTICATIONS } from './http-json-v2';
export type { HttpJsonV2ServiceOptions, AuthenticationType } from './http-json-v2';
export { TokenCache, AUTH_FAILED } from './oauth';
export type { TokenCacheOptions, ClientCredentials, ClientAuthentication } from './oauth';

/** Every version of the operation, one worker each (v1 and v2 share the call code; each has its own concurrency). */
export async function startHttpJsonServices(bus: Bus, options: HttpJsonServiceOptions & HttpJsonV2ServiceOptions = {}): Promise<Worker[]> {
  const v1 = await startHttpJsonService(bus, options);
  try {
    return [v1, await startHttpJsonV2Service(bus, options)];
  } catch (error) {
    await v1.stop();
    throw error;
  }
}
