import type { Bus } from '../../engine/bus/bus';
import { BpmnError, createWorker, JobFailure, type Job, type Worker } from '../../integrations/sdk';
import { makeJob, sleep, uniqueType, waitFor } from '../bus/bus-contract';
import { AnswerCollector, transports } from './transports';

const HEADERS = {
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  'baton-corr-order': 'order-4711',
  'baton-corr-tenant': 'acme',
  'x-not-echoed': 'nope',
};

describe.each(transports())('worker SDK on the $name', (transport) => {
  let bus: Bus;
  let engine: AnswerCollector;
  const workers: Worker[] = [];
  afterAll(() => transport.cleanup());
  beforeEach(async () => {
    bus = await transport.create();
    engine = await new AnswerCollector().start(bus);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await engine.stop();
    await bus.close();
  });

  async function serve(handler: (job: Job) => unknown, concurrency = 1): Promise<string> {
    const taskType = uniqueType('sdk');
    workers.push(await createWorker(bus, { taskType, handler: handler as never, concurrency }));
    return taskType;
  }

  it('completes with the returned variables and hands the handler the whole job', async () => {
    let seen: Job | undefined;
    const type = await serve(async (job) => {
      seen = job;
      return { total: (job.variables.a as number) + (job.variables.b as number) };
    });
    const job = makeJob(type, 'sdk-complete', { a: 2, b: 3 });
    await bus.publishJob(job, HEADERS, 1);
    const { answer } = await engine.answerOf('sdk-complete');
    expect(answer).toEqual({ protocol: 1, kind: 'complete', jobKey: 'sdk-complete', variables: { total: 5 } });
    expect(seen).toMatchObject({
      key: 'sdk-complete',
      type,
      variables: { a: 2, b: 3 },
      customHeaders: { resultVariable: 'result' },
      retries: 3,
      deadline: job.deadline,
      processInstanceKey: 'pi-1',
      elementInstanceKey: 'ei-sdk-complete',
      elementId: 'Task_1',
      bpmnProcessId: 'order-process',
      processDefinitionKey: 'pd-1',
      headers: { ...HEADERS, 'baton-protocol': '1' },
    });
  });

  it('completes with no variables when the handler returns nothing', async () => {
    const type = await serve(() => undefined);
    await bus.publishJob(makeJob(type, 'sdk-void'), HEADERS, 1);
    expect((await engine.answerOf('sdk-void')).answer).toEqual({ protocol: 1, kind: 'complete', jobKey: 'sdk-void', variables: {} });
  });

  it('answers a BpmnError as a BPMN error with code, message and variables', async () => {
    const type = await serve(() => {
      throw new BpmnError('ORDER_NOT_FOUND', 'no order 4711', { orderId: 4711 });
    });
    await bus.publishJob(makeJob(type, 'sdk-error'), HEADERS, 1);
    expect((await engine.answerOf('sdk-error')).answer).toEqual({
      protocol: 1,
      kind: 'error',
      jobKey: 'sdk-error',
      errorCode: 'ORDER_NOT_FOUND',
      errorMessage: 'no order 4711',
      variables: { orderId: 4711 },
    });
  });

  it('answers any other error as a failure with retries decremented', async () => {
    const type = await serve(async () => {
      throw new Error('service down');
    });
    await bus.publishJob(makeJob(type, 'sdk-fail'), HEADERS, 1);
    expect((await engine.answerOf('sdk-fail')).answer).toEqual({ protocol: 1, kind: 'fail', jobKey: 'sdk-fail', retries: 2, errorMessage: 'service down' });
  });

  it('answers a JobFailure with its own retries and back-off', async () => {
    const type = await serve(() => {
      throw new JobFailure('quota exceeded', { retries: 0, retryBackoffMs: 60_000 });
    });
    await bus.publishJob(makeJob(type, 'sdk-jobfailure'), HEADERS, 1);
    expect((await engine.answerOf('sdk-jobfailure')).answer).toEqual({
      protocol: 1,
      kind: 'fail',
      jobKey: 'sdk-jobfailure',
      retries: 0,
      retryBackoffMs: 60_000,
      errorMessage: 'quota exceeded',
    });
  });

  it('fails a handler that returns something other than an object', async () => {
    const type = await serve(() => [1, 2]);
    await bus.publishJob(makeJob(type, 'sdk-array'), HEADERS, 1);
    const { answer } = await engine.answerOf('sdk-array');
    expect(answer).toMatchObject({ kind: 'fail', retries: 2, errorMessage: expect.stringMatching(/returned an array/) });
  });

  it('echoes traceparent and every baton-corr-* header on every kind of answer', async () => {
    const type = await serve((job) => {
      if (job.variables.mode === 'error') throw new BpmnError('E');
      if (job.variables.mode === 'fail') throw new Error('f');
      return { ok: true };
    });
    for (const mode of ['complete', 'error', 'fail']) await bus.publishJob(makeJob(type, `sdk-echo-${mode}`, { mode }), HEADERS, 1);
    for (const mode of ['complete', 'error', 'fail']) {
      const { answer, headers } = await engine.answerOf(`sdk-echo-${mode}`);
      expect(answer.kind).toBe(mode);
      expect(headers).toEqual({
        traceparent: HEADERS.traceparent,
        'baton-corr-order': 'order-4711',
        'baton-corr-tenant': 'acme',
        'baton-protocol': '1',
      });
    }
  });

  it('stop() finishes the jobs in flight before it resolves', async () => {
    let started = 0;
    const taskType = uniqueType('sdk-stop');
    const worker = await createWorker(bus, {
      taskType,
      concurrency: 2,
      handler: async () => {
        started++;
        await sleep(300);
        return { slow: true };
      },
    });
    await bus.publishJob(makeJob(taskType, 'sdk-stop-1'), HEADERS, 1);
    await bus.publishJob(makeJob(taskType, 'sdk-stop-2'), HEADERS, 1);
    await waitFor(() => started === 2, 5_000, 'both jobs to start');
    await worker.stop();
    // both answers were published before stop resolved
    await engine.answerOf('sdk-stop-1', 2_000);
    await engine.answerOf('sdk-stop-2', 2_000);
  });
});
