/**
 * Every supported element kind, run end to end on both worlds: SQLite + in-process bus, and
 * PostgreSQL + NATS JetStream with the services on their own connection.
 */
import path from 'node:path';
import { BpmnError, JobFailure, type Worker } from '../../integrations/sdk';
import { InstanceStatus } from '../../engine/runtime/instance-state';
import { Intent } from '../../engine/runtime/intents';
import { deploy, fixture, intents, serve, waitForIncident, waitForStatus, waitForUserTask } from '../support/engine-steps';
import { eventually, openWorld, type World, type WorldKind } from '../support/worlds';

const FIXTURES = path.join(__dirname, 'fixtures');
const bpmn = (name: string) => fixture(FIXTURES, name);

describe.each<WorldKind>(['embedded', 'distributed'])('elements on the %s world', (kind) => {
  let world: World;
  let workers: Worker[] = [];

  beforeAll(async () => {
    world = await openWorld(kind);
  });
  afterEach(async () => {
    for (const worker of workers) await worker.stop();
    workers = [];
  });
  afterAll(async () => {
    await world.close();
  });

  test('start -> end completes and records its history in order', async () => {
    await deploy(world.engine, bpmn('start-end.bpmn'));
    const started = await world.engine.startInstance({ bpmnProcessId: 'start-end', variables: { a: 1 } });
    const done = await waitForStatus(world.engine, started.key, InstanceStatus.COMPLETED);
    expect(done.variables).toEqual({ a: 1 });
    expect(intents(await world.engine.history(started.key))).toEqual([
      Intent.INSTANCE_CREATED,
      `${Intent.ELEMENT_ACTIVATED}:start`,
      `${Intent.ELEMENT_COMPLETED}:start`,
      `${Intent.SEQUENCE_FLOW_TAKEN}:f1`,
      `${Intent.ELEMENT_ACTIVATED}:end`,
      `${Intent.ELEMENT_COMPLETED}:end`,
      Intent.INSTANCE_COMPLETED,
    ]);
  });

  test('service task and send task: the worker gets the mapped inputs and headers, the answer is mapped back', async () => {
    await deploy(world.engine, bpmn('service-task.bpmn'));
    const seen: { variables: Record<string, unknown>; headers: Record<string, string>; retries: number }[] = [];
    workers.push(
      await serve(world, 'test.charge', async (job) => {
        seen.push({ variables: job.variables, headers: job.customHeaders, retries: job.retries });
        return { receipt: { id: `r-${String(job.variables.amountInCents)}` }, ignored: true };
      }),
      await serve(world, 'test.notify', async (job) => ({ sent: true, to: job.variables.email })),
    );
    const started = await world.engine.startInstance({ bpmnProcessId: 'service-task', variables: { order: { id: 'o-7', total: 12.5 }, email: 'x@y.z' } });
    const done = await waitForStatus(world.engine, started.key, InstanceStatus.COMPLETED);
    expect(seen).toEqual([
      {
        variables: { amountInCents: 1250, currency: 'EUR', request: { reference: 'o-7' } },
        headers: { provider: 'acme', retryBackoff: 'PT0.1S' },
        retries: 2,
      },
    ]);
    expect(done.variables).toEqual({
      order: { id: 'o-7', total: 12.5 },
      email: 'x@y.z',
      receiptId: 'r-1250',
      notification: { sent: true, to: 'x@y.z' },
    });
  });

  test('a failure answer retries after the back-off, at zero retries raises an incident, resolving offers it again', async () => {
    await deploy(world.engine, bpmn('service-task.bpmn'));
    let calls = 0;
    workers.push(
      await serve(world, 'test.charge', async (job) => {
        calls += 1;
        if (calls <= 2) throw new JobFailure(`gateway down (retries ${job.retries})`);
        return { receipt: { id: 'late' } };
      }),
      await serve(world, 'test.notify', async () => ({})),
    );
    const started = await world.engine.startInstance({ bpmnProcessId: 'service-task', variables: { order: { id: 'o', total: 1 } } });
    const incident = await waitForIncident(world.engine, started.key);
    expect(calls).toBe(2);
    expect(incident).toMatchObject({ type: 'JOB_NO_RETRIES', elementId: 'charge' });
    expect(incident.message).toContain('gateway down (retries 1)');
    const history = intents(await world.engine.history(started.key));
    expect(history.filter((i) => i.startsWith(Intent.JOB_FAILED))).toHaveLength(2);
    expect(history).toContain(`${Intent.JOB_RETRIED}:charge`);

    await world.engine.resolveIncident(incident.key);
    const done = await waitForStatus(world.engine, started.key, InstanceStatus.COMPLETED);
    expect(calls).toBe(3);
    expect(done.variables.receiptId).toBe('late');
  });

  test('script task, exclusive gateway, parallel fork and join, user task', async () => {
    await deploy(world.engine, bpmn('gateways.bpmn'));
    const checked: string[] = [];
    workers.push(await serve(world, 'test.check', async (job) => {
      checked.push(String(job.variables.which));
      return { ok: job.variables.which !== 'b' };
    }));
    const low = await world.engine.startInstance({ bpmnProcessId: 'gateways', variables: { amount: 10 } });
    const lowDone = await waitForStatus(world.engine, low.key, InstanceStatus.COMPLETED);
    expect(lowDone.variables.risk).toBe('low');
    expect(intents(await world.engine.history(low.key))).toContain(`${Intent.ELEMENT_COMPLETED}:auto-approved`);

    const high = await world.engine.startInstance({ bpmnProcessId: 'gateways', variables: { amount: 5000 } });
    const task = await waitForUserTask(world.engine, high.key);
    expect(task).toMatchObject({ elementId: 'review', name: 'Review', assignee: 'anna', candidateGroups: ['risk', 'audit'] });
    expect(checked.sort()).toEqual(['a', 'b', 'c']);
    const waiting = await world.engine.getInstance(high.key);
    expect(waiting.variables).toMatchObject({ okA: true, okB: false, okC: true, risk: 'high' });
    const history = intents(await world.engine.history(high.key));
    expect(history.filter((i) => i === `${Intent.ELEMENT_ACTIVATED}:join`)).toHaveLength(1);
    expect(history.filter((i) => i === `${Intent.JOIN_WAITING}:join`)).toHaveLength(2);

    await world.engine.completeUserTask(task.key, { approved: 'yes', comment: 'fine' });
    const done = await waitForStatus(world.engine, high.key, InstanceStatus.COMPLETED);
    expect(done.variables.decision).toBe('yes');
    expect(done.variables.comment).toBeUndefined();
    expect(world.engine.listUserTasks({ processInstanceKey: high.key })).toEqual([]);
  });

  test('an exclusive gateway with no true condition and no default raises an incident; new variables and a resolve let it pass', async () => {
    await deploy(world.engine, bpmn('no-default.bpmn'));
    const started = await world.engine.startInstance({ bpmnProcessId: 'no-default', variables: { color: 'blue' } });
    const incident = await waitForIncident(world.engine, started.key);
    expect(incident).toMatchObject({ type: 'CONDITION', elementId: 'route' });
    expect(incident.message).toContain("exclusive gateway 'route'");
    await world.engine.setVariables(started.key, { color: 'red' });
    await world.engine.resolveIncident(incident.key);
    await waitForStatus(world.engine, started.key, InstanceStatus.COMPLETED);
    expect(intents(await world.engine.history(started.key))).toContain(`${Intent.ELEMENT_COMPLETED}:end-no`);
  });

  test('a BPMN error answer is caught by the error boundary event; an uncaught error end event raises an incident', async () => {
    await deploy(world.engine, bpmn('errors.bpmn'));
    workers.push(await serve(world, 'test.pay', async () => {
      throw new BpmnError('DECLINED', 'insufficient funds', { reason: 'funds' });
    }));
    const started = await world.engine.startInstance({ bpmnProcessId: 'errors' });
    const incident = await waitForIncident(world.engine, started.key);
    expect(incident).toMatchObject({ type: 'UNHANDLED_ERROR', elementId: 'give-up' });
    expect(incident.message).toContain("'FATAL'");
    const state = await world.engine.getInstance(started.key);
    expect(state.variables.reason).toBe('funds');
    const history = intents(await world.engine.history(started.key));
    expect(history).toContain(`${Intent.ERROR_CAUGHT}:declined`);
    expect(history).toContain(`${Intent.ELEMENT_TERMINATED}:pay`);
  });

  test('errorExpression turns a completed answer into a BPMN error', async () => {
    await deploy(world.engine, bpmn('errors.bpmn'));
    workers.push(await serve(world, 'test.pay', async () => ({ status: 402 })));
    const started = await world.engine.startInstance({ bpmnProcessId: 'errors' });
    await waitForIncident(world.engine, started.key);
    const history = await world.engine.history(started.key);
    expect(history.find((h) => h.intent === Intent.ERROR_CAUGHT)?.detail).toMatchObject({ errorCode: 'DECLINED', errorMessage: 'card declined' });
  });

  test('an uncaught BPMN error from a task raises an incident on the task', async () => {
    await deploy(world.engine, bpmn('errors.bpmn'));
    workers.push(await serve(world, 'test.pay', async () => {
      throw new BpmnError('UNKNOWN_CODE', 'nobody catches this');
    }));
    const started = await world.engine.startInstance({ bpmnProcessId: 'errors' });
    // the boundary event catches only DECLINED
    const incident = await waitForIncident(world.engine, started.key);
    expect(incident).toMatchObject({ type: 'UNHANDLED_ERROR', elementId: 'pay' });
  });

  test('a job nobody answers within jobTimeout is offered again', async () => {
    await deploy(world.engine, bpmn('timeout.bpmn'));
    const deliveries: number[] = [];
    const bus = await world.serviceBus();
    const subscription = await bus.consumeJobs('test.slow', async (job, headers) => {
      deliveries.push(Date.now());
      if (deliveries.length === 1) return; // the first offer is taken and never answered
      await bus.publishAnswer({ protocol: 1, kind: 'complete', jobKey: job.jobKey, variables: { second: true } }, headers);
    }, { concurrency: 2 });
    try {
      const started = await world.engine.startInstance({ bpmnProcessId: 'timeout' });
      const done = await waitForStatus(world.engine, started.key, InstanceStatus.COMPLETED);
      expect(done.variables.second).toBe(true);
      expect(deliveries.length).toBe(2);
      expect(deliveries[1] - deliveries[0]).toBeGreaterThanOrEqual(400);
      expect(intents(await world.engine.history(started.key))).toContain(`${Intent.JOB_TIMED_OUT}:slow`);
    } finally {
      await subscription.stop();
    }
  });

  test('answers are idempotent: a second answer for the same job changes nothing', async () => {
    await deploy(world.engine, bpmn('timeout.bpmn'));
    const bus = await world.serviceBus();
    const subscription = await bus.consumeJobs('test.slow', async (job, headers) => {
      await bus.publishAnswer({ protocol: 1, kind: 'complete', jobKey: job.jobKey, variables: { n: 1 } }, headers);
      await bus.publishAnswer({ protocol: 1, kind: 'complete', jobKey: job.jobKey, variables: { n: 2 } }, headers);
      await bus.publishAnswer({ protocol: 1, kind: 'fail', jobKey: job.jobKey, retries: 0, errorMessage: 'late' }, headers);
    }, { concurrency: 1 });
    try {
      const started = await world.engine.startInstance({ bpmnProcessId: 'timeout' });
      const done = await waitForStatus(world.engine, started.key, InstanceStatus.COMPLETED);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(done.variables.n).toBe(1);
      const history = intents(await world.engine.history(started.key));
      expect(history.filter((i) => i.startsWith(Intent.JOB_COMPLETED))).toHaveLength(1);
      expect(history.filter((i) => i === Intent.INSTANCE_COMPLETED)).toHaveLength(1);
      expect(history.some((i) => i.startsWith(Intent.JOB_FAILED))).toBe(false);
    } finally {
      await subscription.stop();
    }
  });

  test('cancel withdraws the job and ends the instance; its late answer is dropped', async () => {
    await deploy(world.engine, bpmn('timeout.bpmn'));
    const jobs: string[] = [];
    const bus = await world.serviceBus();
    const subscription = await bus.consumeJobs('test.slow', async (job) => void jobs.push(job.jobKey), { concurrency: 1 });
    try {
      const started = await world.engine.startInstance({ bpmnProcessId: 'timeout' });
      await eventually(() => (jobs.length > 0 ? true : undefined), 'the job');
      await world.engine.cancelInstance(started.key);
      const canceled = await world.engine.getInstance(started.key);
      expect(canceled.status).toBe(InstanceStatus.CANCELED);
      expect(canceled.jobs).toEqual({});
      await bus.publishAnswer({ protocol: 1, kind: 'complete', jobKey: jobs[0], variables: { late: true } }, {});
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = await world.engine.getInstance(started.key);
      expect(after.status).toBe(InstanceStatus.CANCELED);
      expect(after.variables.late).toBeUndefined();
      expect(intents(await world.engine.history(started.key))).toContain(`${Intent.JOB_CANCELED}:slow`);
    } finally {
      await subscription.stop();
    }
  });

  test('a runaway expression raises an incident on its instance while the engine serves the others', async () => {
    await deploy(world.engine, bpmn('runaway.bpmn'));
    await deploy(world.engine, bpmn('start-end.bpmn'));
    const runaway = await world.engine.startInstance({ bpmnProcessId: 'runaway' });
    const other = await world.engine.startInstance({ bpmnProcessId: 'start-end' });
    const incident = await waitForIncident(world.engine, runaway.key);
    expect(incident).toMatchObject({ type: 'EXPRESSION', elementId: 'loop' });
    await waitForStatus(world.engine, other.key, InstanceStatus.COMPLETED);
  });
});
