import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Bus } from '../../engine/bus/bus';
import { HTTP_JSON_TASK_TYPE, startHttpJsonService } from '../../integrations/http-json';
import type { Worker } from '../../integrations/sdk';
import { makeJob } from '../bus/bus-contract';
import { AnswerCollector, transports } from './transports';

interface Seen {
  method: string;
  path: string;
  headers: Record<string, unknown>;
  body: unknown;
}

let server: Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.use((req, _res, next) => {
    seen.push({ method: req.method, path: req.path, headers: req.headers, body: req.body });
    next();
  });
  app.get('/orders/:id', (req, res) => void res.json({ id: Number(req.params.id), status: 'shipped' }));
  app.post('/orders', (req, res) => void res.status(201).set('x-order', 'created').json({ received: req.body }));
  app.get('/text', (_req, res) => void res.type('text/plain').send('plain words'));
  app.get('/slow', (_req, res) => void setTimeout(() => res.json({ late: true }), 1_500));
  app.get('/boom', (_req, res) => void res.status(500).json({ error: 'boom' }));
  app.use((_req, res) => void res.status(404).json({ error: 'not found' }));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let jobCounter = 0;

describe.each(transports())('HTTP JSON service on the $name', (transport) => {
  let bus: Bus;
  let engine: AnswerCollector;
  let service: Worker;
  afterAll(() => transport.cleanup());
  beforeEach(async () => {
    bus = await transport.create();
    engine = await new AnswerCollector().start(bus);
    service = await startHttpJsonService(bus, { concurrency: 4 });
  });
  afterEach(async () => {
    await service.stop();
    await engine.stop();
    await bus.close();
  });

  async function call(variables: Record<string, unknown>, customHeaders: Record<string, string> = { jobTimeout: 'PT5S' }) {
    const jobKey = `http-${process.pid}-${++jobCounter}`;
    const job = { ...makeJob(HTTP_JSON_TASK_TYPE, jobKey, variables), customHeaders };
    await bus.publishJob(job, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'baton-corr-order': '4711' }, 1);
    return engine.answerOf(jobKey, 10_000);
  }

  it('GETs JSON and completes with status, headers and the parsed body', async () => {
    const { answer, headers } = await call({ method: 'GET', url: `${base}/orders/7` });
    expect(answer).toMatchObject({ kind: 'complete', variables: { status: 200, body: { id: 7, status: 'shipped' } } });
    expect(answer.kind === 'complete' && (answer.variables.headers as Record<string, string>)['content-type']).toMatch(/application\/json/);
    expect(headers).toMatchObject({ 'baton-corr-order': '4711', traceparent: expect.any(String) });
  });

  it('POSTs a JSON body with the given headers', async () => {
    const { answer } = await call({ method: 'post', url: `${base}/orders`, headers: { 'x-api-key': 'secret', 'x-retry': 2 }, body: { item: 'book', qty: 2 } });
    expect(answer).toMatchObject({ kind: 'complete', variables: { status: 201, headers: { 'x-order': 'created' }, body: { received: { item: 'book', qty: 2 } } } });
    const request = seen.filter((s) => s.method === 'POST').at(-1)!;
    expect(request.body).toEqual({ item: 'book', qty: 2 });
    expect(request.headers).toMatchObject({ 'x-api-key': 'secret', 'x-retry': '2', 'content-type': 'application/json' });
  });

  it('returns a non-JSON body as text', async () => {
    const { answer } = await call({ url: `${base}/text` });
    expect(answer).toMatchObject({ kind: 'complete', variables: { status: 200, body: 'plain words' } });
  });

  it('completes a 404 with its status, for the errorExpression to map', async () => {
    const { answer } = await call({ method: 'GET', url: `${base}/nowhere` });
    expect(answer).toMatchObject({ kind: 'complete', variables: { status: 404, body: { error: 'not found' } } });
  });

  it('fails a 500 with retries decremented', async () => {
    const { answer } = await call({ method: 'GET', url: `${base}/boom` });
    expect(answer).toMatchObject({ kind: 'fail', retries: 2, errorMessage: expect.stringMatching(/GET http:\/\/127\.0\.0\.1:\d+\/boom answered 500/) });
  });

  it('fails when nothing listens on the port', async () => {
    const closed = express().listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => closed.once('listening', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { answer } = await call({ method: 'GET', url: `http://127.0.0.1:${port}/x` });
    expect(answer).toMatchObject({ kind: 'fail', retries: 2, errorMessage: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('fails a call that outlasts the jobTimeout header', async () => {
    const { answer } = await call({ url: `${base}/slow` }, { jobTimeout: 'PT0.2S' });
    expect(answer).toMatchObject({ kind: 'fail', retries: 2, errorMessage: expect.stringMatching(/no answer within 200 ms/) });
  });

  it('answers invalid input with the BPMN error INVALID_INPUT', async () => {
    expect((await call({ method: 'GET' })).answer).toMatchObject({ kind: 'error', errorCode: 'INVALID_INPUT', errorMessage: expect.stringMatching(/'url'/) });
    expect((await call({ method: 'FETCH', url: `${base}/orders/1` })).answer).toMatchObject({ kind: 'error', errorCode: 'INVALID_INPUT', errorMessage: expect.stringMatching(/'method'/) });
    expect((await call({ url: 'ftp://example.com/x' })).answer).toMatchObject({ kind: 'error', errorCode: 'INVALID_INPUT' });
    expect((await call({ url: `${base}/orders/1`, headers: 'x' })).answer).toMatchObject({ kind: 'error', errorCode: 'INVALID_INPUT' });
  });
});
