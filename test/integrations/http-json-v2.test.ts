/**
 * HTTP JSON version 2 end to end through the engine, on both worlds (SQLite + in-process bus; PostgreSQL +
 * NATS JetStream with the service on its own connection): processes modelled from the v2 template as the
 * modeler writes them (template defaults, conditions) call a local API that checks basic credentials,
 * bearer tokens and OAuth 2 tokens from a local token endpoint that counts its requests.
 */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import template from '../../element-templates/http-json/io.baton.http.json-2.json';
import { InstanceStatus, type InstanceState } from '../../engine/runtime/instance-state';
import { Intent } from '../../engine/runtime/intents';
import { HTTP_JSON_V2_TASK_TYPE, startHttpJsonServices } from '../../integrations/http-json';
import type { Worker } from '../../integrations/sdk';
import { deploy, waitForIncident, waitForStatus } from '../support/engine-steps';
import { openWorld, type World, type WorldKind } from '../support/worlds';

// ---------------------------------------------------------------- the local API and token endpoint
const CLIENTS: Record<string, string> = { crm: 'crm-s3cret:with/odd chars', billing: 'billing-secret', short: 'short-lived-secret' };
const BASIC = { username: 'ada', password: 'pa55:word' };
const STATIC_TOKEN = 'static-bearer-token-42';

interface TokenRequest {
  clientId: string;
  via: 'basic' | 'body';
  scope?: string;
  audience?: string;
}
const tokenRequests: TokenRequest[] = [];
const validTokens = new Set<string>();
let expiresIn = 3600;
let tokenEndpointStatus = 200;
let slowHits = 0;
let tokenCounter = 0;

let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/oauth/token', (req, res) => {
    if (tokenEndpointStatus !== 200) return void res.status(tokenEndpointStatus).json({ error: 'temporarily_unavailable' });
    let clientId: string | undefined;
    let secret: string | undefined;
    let via: 'basic' | 'body' = 'body';
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const [id, pass] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id.replace(/\+/g, ' '));
      secret = decodeURIComponent(pass.replace(/\+/g, ' '));
      via = 'basic';
    } else {
      clientId = req.body.client_id;
      secret = req.body.client_secret;
    }
    if (req.body.grant_type !== 'client_credentials') return void res.status(400).json({ error: 'unsupported_grant_type' });
    if (!clientId || CLIENTS[clientId] === undefined || CLIENTS[clientId] !== secret) {
      return void res.status(401).json({ error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    tokenRequests.push({ clientId, via, scope: req.body.scope, audience: req.body.audience });
    const token = `oauth-token-${++tokenCounter}`;
    validTokens.add(token);
    res.json({ access_token: token, token_type: 'bearer', expires_in: expiresIn });
  });
  const guard = (check: (authorization: string) => boolean): express.RequestHandler => (req, res, next) => {
    if (!check(req.headers.authorization ?? '')) return void res.status(401).json({ error: 'unauthorized' });
    next();
  };
  const basicOk = `Basic ${Buffer.from(`${BASIC.username}:${BASIC.password}`).toString('base64')}`;
  app.use('/api/basic', guard((a) => a === basicOk));
  app.use('/api/bearer', guard((a) => a === `Bearer ${STATIC_TOKEN}`));
  app.use('/api/oauth', guard((a) => a.startsWith('Bearer ') && validTokens.has(a.slice(7))));
  app.get('/api/:kind/orders/missing', (_req, res) => void res.status(404).json({ error: 'no such order' }));
  app.get('/api/:kind/orders/invalid', (_req, res) => void res.status(422).json({ message: 'order id is malformed' }));
  app.get('/api/:kind/orders/:id', (req, res) => void res.json({ id: req.params.id, kind: req.params.kind, auth: req.headers.authorization?.split(' ')[0] ?? 'none' }));
  app.get('/slow-once', (_req, res) => {
    slowHits += 1;
    const delay = slowHits === 1 ? 1_500 : 0;
    setTimeout(() => void res.json({ attempt: slowHits }), delay);
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// ---------------------------------------------------------------- modelling from the template
type Property = {
  id?: string;
  value?: string;
  binding: { type: string; name?: string; key?: string; property?: string };
  condition?: { property: string; equals?: string; oneOf?: string[] };
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * A process with one task modelled from the v2 template as the modeler would: every active property
 * (condition holding) bound with the given value or the template's default.
 */
function modelled(processId: string, values: Record<string, string>): string {
  const properties = template.properties as unknown as Property[];
  const valueOf = (p: Property) => (p.id !== undefined && values[p.id] !== undefined ? values[p.id] : p.value);
  const active = (p: Property) => {
    if (!p.condition) return true;
    const other = properties.find((q) => q.id === p.condition!.property);
    const current = other ? valueOf(other) : undefined;
    return p.condition.equals !== undefined ? current === p.condition.equals : (p.condition.oneOf ?? []).includes(current ?? '');
  };
  let taskType = '';
  let retries = '';
  const inputs: string[] = [];
  const headers: string[] = [];
  for (const p of properties) {
    const value = valueOf(p);
    if (value === undefined || value === '' || !active(p)) continue;
    if (p.binding.type === 'zeebe:taskDefinition' && p.binding.property === 'type') taskType = value;
    else if (p.binding.type === 'zeebe:taskDefinition' && p.binding.property === 'retries') retries = value;
    else if (p.binding.type === 'zeebe:input') inputs.push(`<zeebe:input source="${esc(value)}" target="${p.binding.name}" />`);
    else if (p.binding.type === 'zeebe:taskHeader') headers.push(`<zeebe:header key="${p.binding.key}" value="${esc(value)}" />`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d-${processId}" targetNamespace="http://baton.dev/test">
  <bpmn:error id="err-not-found" name="Not found" errorCode="NOT_FOUND" />
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="call" zeebe:modelerTemplate="${template.id}" zeebe:modelerTemplateVersion="${template.version}">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="${taskType}" retries="${retries}" />
        <zeebe:ioMapping>${inputs.join('')}</zeebe:ioMapping>
        <zeebe:taskHeaders>${headers.join('')}</zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:boundaryEvent id="not-found" attachedToRef="call"><bpmn:outgoing>f3</bpmn:outgoing><bpmn:errorEventDefinition errorRef="err-not-found" /></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="other-error" attachedToRef="call"><bpmn:outgoing>f4</bpmn:outgoing><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
    <bpmn:endEvent id="done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="not-found-end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="other-error-end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="done" />
    <bpmn:sequenceFlow id="f3" sourceRef="not-found" targetRef="not-found-end" />
    <bpmn:sequenceFlow id="f4" sourceRef="other-error" targetRef="other-error-end" />
  </bpmn:process>
</bpmn:definitions>
`;
}

const common = { resultVariable: 'response', retryBackoff: 'PT0.1S', jobTimeout: 'PT10S' };

const PROCESSES: Record<string, Record<string, string>> = {
  'v2-none': { ...common, url: '=base & "/api/none/orders/" & orderId' },
  'v2-basic': {
    ...common,
    'authentication.type': 'basic',
    'authentication.username': BASIC.username,
    'authentication.password': '=secrets.password',
    url: '=base & "/api/basic/orders/" & orderId',
  },
  'v2-bearer': { ...common, 'authentication.type': 'bearer', 'authentication.token': '=secrets.token', url: '=base & "/api/bearer/orders/" & orderId' },
  'v2-oauth': {
    ...common,
    'authentication.type': 'oauth-client-credentials',
    'authentication.oauthTokenEndpoint': '=base & "/oauth/token"',
    'authentication.clientId': '=clientId',
    'authentication.clientSecret': '=secrets.clientSecret',
    'authentication.scopes': 'orders:read orders:write',
    'authentication.audience': 'https://crm.example',
    url: '=base & "/api/oauth/orders/" & orderId',
  },
  'v2-oauth-body': {
    ...common,
    'authentication.type': 'oauth-client-credentials',
    'authentication.oauthTokenEndpoint': '=base & "/oauth/token"',
    'authentication.clientId': 'billing',
    'authentication.clientSecret': '=secrets.clientSecret',
    'authentication.clientAuthentication': 'credentialsBody',
    url: '=base & "/api/oauth/orders/" & orderId',
  },
  'v2-timeout': { ...common, timeout: '0.3', url: '=base & "/slow-once"' },
};

// ---------------------------------------------------------------- the suites
describe.each<WorldKind>(['embedded', 'distributed'])('HTTP JSON v2 through the engine on the %s world', (kind) => {
  let world: World;
  let services: Worker[];
  const logLines: string[] = [];

  beforeAll(async () => {
    world = await openWorld(kind);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString('utf8'));
        callback();
      },
    });
    // The service at debug level into a buffer: the test checks no secret ever reaches a log line.
    services = await startHttpJsonServices(await world.serviceBus(), { concurrency: 4, logger: pino({ level: 'debug', base: undefined }, sink) });
    for (const [processId, values] of Object.entries(PROCESSES)) {
      const result = await deploy(world.engine, modelled(processId, values), `${processId}.bpmn`);
      expect(result.warnings).toEqual([]);
    }
  }, 30_000);
  afterAll(async () => {
    for (const service of services ?? []) await service.stop();
    await world?.close();
  });
  beforeEach(() => {
    tokenRequests.length = 0;
    expiresIn = 3600;
    tokenEndpointStatus = 200;
  });

  const secrets = { password: BASIC.password, token: STATIC_TOKEN, clientSecret: CLIENTS.crm };
  async function run(processId: string, variables: Record<string, unknown>, status: InstanceStatus = InstanceStatus.COMPLETED): Promise<InstanceState> {
    const started = await world.engine.startInstance({ bpmnProcessId: processId, variables: { base, secrets, clientId: 'crm', ...variables } });
    return waitForStatus(world.engine, started.key, status, 15_000);
  }
  const ended = async (state: InstanceState) =>
    (await world.engine.history(state.key)).filter((h) => h.intent === Intent.ELEMENT_COMPLETED && h.elementId?.endsWith('end')).map((h) => h.elementId);
  const response = (state: InstanceState) => state.variables.response as { status: number; body: Record<string, unknown> };

  test('the v2 template is served by the io.baton.http.json:2 worker next to v1', () => {
    expect(services.map((s) => s.taskType)).toEqual(['io.baton.http.json:1', HTTP_JSON_V2_TASK_TYPE]);
  });

  test('deploying refuses a task whose chosen authentication leaves a required credential empty', async () => {
    const { 'authentication.clientSecret': _secret, ...withoutSecret } = PROCESSES['v2-oauth'];
    const failure = await deploy(world.engine, modelled('v2-no-secret', withoutSecret), 'v2-no-secret.bpmn').catch((error: unknown) => error);
    expect(JSON.stringify((failure as { problems?: unknown }).problems ?? String(failure))).toMatch(/required input 'authentication\.clientSecret'/);
    // with basic chosen, the OAuth fields are not asked for
    await expect(deploy(world.engine, modelled('v2-basic-only', { ...PROCESSES['v2-basic'] }), 'v2-basic-only.bpmn')).resolves.toMatchObject({ warnings: [] });
  });

  test('no authentication: the call completes into the result variable', async () => {
    const done = await run('v2-none', { orderId: '7' });
    expect(response(done)).toMatchObject({ status: 200, body: { id: '7', kind: 'none', auth: 'none' } });
    expect(await ended(done)).toEqual([]);
  });

  test('basic: the server gets the username and the password read from a variable', async () => {
    const done = await run('v2-basic', { orderId: '8' });
    expect(response(done)).toMatchObject({ status: 200, body: { id: '8', kind: 'basic', auth: 'Basic' } });
  });

  test('basic with a wrong password: the 401 is HTTP_401 through the default errorExpression', async () => {
    const done = await run('v2-basic', { orderId: '8', secrets: { ...secrets, password: 'wrong' } });
    expect(await ended(done)).toEqual(['other-error-end']);
    const thrown = (await world.engine.history(done.key)).find((h) => h.intent === Intent.ERROR_THROWN);
    expect(JSON.stringify(thrown?.detail)).toContain('HTTP_401');
  });

  test('bearer: the token read from a variable is sent as Authorization: Bearer', async () => {
    const done = await run('v2-bearer', { orderId: '9' });
    expect(response(done)).toMatchObject({ status: 200, body: { id: '9', kind: 'bearer', auth: 'Bearer' } });
  });

  test('a 404 is the BPMN error NOT_FOUND through the default errorExpression, caught by its boundary event', async () => {
    const done = await run('v2-bearer', { orderId: 'missing' });
    expect(await ended(done)).toEqual(['not-found-end']);
    expect(done.variables.response).toBeUndefined();
  });

  test('another 4xx is HTTP_<status>, caught by the catch-all boundary event', async () => {
    const done = await run('v2-none', { orderId: 'invalid' });
    expect(await ended(done)).toEqual(['other-error-end']);
    const thrown = (await world.engine.history(done.key)).find((h) => h.intent === Intent.ERROR_THROWN);
    expect(JSON.stringify(thrown?.detail)).toContain('HTTP_422');
  });

  test('OAuth client credentials: one token fetched with basic client auth, scopes and audience, cached across calls', async () => {
    const first = await run('v2-oauth', { orderId: '10' });
    const second = await run('v2-oauth', { orderId: '11' });
    expect(response(first)).toMatchObject({ status: 200, body: { id: '10', kind: 'oauth', auth: 'Bearer' } });
    expect(response(second)).toMatchObject({ status: 200, body: { id: '11' } });
    expect(tokenRequests).toEqual([{ clientId: 'crm', via: 'basic', scope: 'orders:read orders:write', audience: 'https://crm.example' }]);
  });

  test('OAuth: credentials in the body; a token is cached per client', async () => {
    const done = await run('v2-oauth-body', { orderId: '12', secrets: { ...secrets, clientSecret: CLIENTS.billing } });
    expect(response(done)).toMatchObject({ status: 200, body: { id: '12' } });
    await run('v2-oauth-body', { orderId: '13', secrets: { ...secrets, clientSecret: CLIENTS.billing } });
    expect(tokenRequests).toEqual([{ clientId: 'billing', via: 'body' }]);
  });

  test('OAuth: a token is fetched again once it expires', async () => {
    expiresIn = 2; // kept until 1.8 s
    const short = { clientId: 'short', secrets: { ...secrets, clientSecret: CLIENTS.short } };
    await run('v2-oauth', { ...short, orderId: '14' });
    await run('v2-oauth', { ...short, orderId: '15' });
    expect(tokenRequests).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const late = await run('v2-oauth', { ...short, orderId: '16' });
    expect(response(late)).toMatchObject({ status: 200, body: { id: '16' } });
    expect(tokenRequests.map((r) => r.clientId)).toEqual(['short', 'short']);
  });

  test('OAuth: a cached token the API refuses with 401 is fetched again once', async () => {
    await run('v2-oauth', { orderId: '17' }); // cached (for an hour)
    tokenRequests.length = 0;
    validTokens.clear(); // the API revokes every token
    const done = await run('v2-oauth', { orderId: '18' });
    expect(response(done)).toMatchObject({ status: 200, body: { id: '18' } });
    expect(tokenRequests).toHaveLength(1);
  });

  test('OAuth: a token endpoint refusing the client is the BPMN error AUTH_FAILED; the secret is in no message', async () => {
    const done = await run('v2-oauth', { orderId: '19', clientId: 'crm', secrets: { ...secrets, clientSecret: 'not-the-secret' } });
    expect(await ended(done)).toEqual(['other-error-end']);
    const history = await world.engine.history(done.key);
    const thrown = history.find((h) => h.intent === Intent.ERROR_THROWN);
    expect(JSON.stringify(thrown?.detail)).toContain('AUTH_FAILED');
    expect(JSON.stringify(history)).not.toContain('not-the-secret');
  });

  test('OAuth: a token endpoint answering 503 fails the job, which is retried until an incident', async () => {
    tokenEndpointStatus = 503;
    const started = await world.engine.startInstance({ bpmnProcessId: 'v2-oauth', variables: { base, secrets, clientId: 'fresh-client-503', orderId: '20' } });
    const incident = await waitForIncident(world.engine, started.key, 15_000);
    expect(incident.message).toMatch(/token endpoint http:\/\/127\.0\.0\.1:\d+\/oauth\/token answered 503/);
    const failures = (await world.engine.history(started.key)).filter((h) => h.intent === Intent.JOB_FAILED);
    expect(failures).toHaveLength(3);
    await world.engine.cancelInstance(started.key);
  });

  test('a call beyond the timeout fails naming the timeout and is retried', async () => {
    slowHits = 0;
    const done = await run('v2-timeout', {});
    expect(response(done)).toMatchObject({ status: 200, body: { attempt: 2 } });
    const failures = (await world.engine.history(done.key)).filter((h) => h.intent === Intent.JOB_FAILED);
    expect(failures).toHaveLength(1);
    expect(failures[0].detail).toMatchObject({ retries: 2, errorMessage: expect.stringMatching(/GET http:\/\/127\.0\.0\.1:\d+\/slow-once failed: no answer within the timeout of 0\.3 s/) });
  });

  test('no secret, token or Authorization header reaches the service log', () => {
    const log = logLines.join('');
    expect(log).toContain('HTTP call done');
    for (const secret of [BASIC.password, STATIC_TOKEN, CLIENTS.crm, CLIENTS.billing, 'oauth-token-', 'Basic ', 'Bearer ']) expect(log).not.toContain(secret);
  });
});
