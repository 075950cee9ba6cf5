/**
 * Restart: an instance whose job is out survives the engine stopping; a new engine on the same database
 * and broker applies the answer, and the instance completes exactly once.
 */
import path from 'node:path';
import type { Worker } from '../../integrations/sdk';
import { InstanceStatus, JobState } from '../../engine/runtime/instance-state';
import { Intent } from '../../engine/runtime/intents';
import { deploy, fixture, serve, waitForStatus } from '../support/engine-steps';
import { eventually, openWorld, type World } from '../support/worlds';

const bpmn = (name: string) => fixture(path.join(__dirname, 'fixtures'), name);

describe('restart on PostgreSQL and NATS JetStream', () => {
  let world: World;
  let worker: Worker | undefined;

  beforeAll(async () => {
    world = await openWorld('distributed');
  });
  afterAll(async () => {
    await worker?.stop();
    await world.close();
  });

  test('a job out while the engine stops is answered to the next engine, and the instance completes once', async () => {
    await deploy(world.engine, bpmn('service-task.bpmn'));
    const started = await world.engine.startInstance({ bpmnProcessId: 'service-task', variables: { order: { id: 'o-1', total: 2 } } });
    await eventually(async () => {
      const state = await world.store.getInstance(started.key);
      return Object.values(state?.jobs ?? {}).some((job) => job.state === JobState.ACTIVATABLE) ? true : undefined;
    }, 'the job to be committed');

    await world.restart();

    let executions = 0;
    worker = await serve(world, 'test.charge', async () => {
      executions += 1;
      return { receipt: { id: 'after-restart' } };
    });
    const notify = await serve(world, 'test.notify', async () => ({}));
    try {
      const done = await waitForStatus(world.engine, started.key, InstanceStatus.COMPLETED);
      expect(done.variables.receiptId).toBe('after-restart');
      expect(executions).toBe(1);
      const history = await world.engine.history(started.key);
      expect(history.filter((h) => h.intent === Intent.INSTANCE_COMPLETED)).toHaveLength(1);
      expect(history.filter((h) => h.intent === Intent.JOB_COMPLETED && h.elementId === 'charge')).toHaveLength(1);
      const positions = history.map((h) => h.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      await eventually(async () => ((await world.store.pendingOutbox()).length === 0 ? true : undefined), 'the outbox to be drained');
    } finally {
      await notify.stop();
    }
  });
});
