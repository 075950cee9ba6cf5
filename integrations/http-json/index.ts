/** The HTTP JSON reference service (task type io.baton.http.json:1). */
export { startHttpJsonService, HTTP_JSON_TASK_TYPE, HTTP_METHODS, INVALID_INPUT } from './http-json-service';
export type { HttpJsonServiceOptions, HttpJsonResult, HttpMethod } from './http-json-service';
