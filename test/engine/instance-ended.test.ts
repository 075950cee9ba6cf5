/** engine.onInstanceEnded tells listeners of completed and canceled instances, only once their end is durable. */
import path from 'node:path';
import { InstanceStatus } from '../../engine/runtime/instance-state';
import { Intent } from '../../engine/runtime/intents';
import type { InstanceEnded } from '../../engine/runtime/engine';
import { deploy, fixture } from '../support/engine-steps';
import { eventually, openWorld, type World } from '../support/worlds';

const bpmn = (name: string) => fixture(path.join(__dirname, 'fixtures'), name);

describe('onInstanceEnded on SQLite', () => {
  let world: World;

  beforeAll(async () => {
    world = await openWorld('embedded');
    await deploy(world.engine, bpmn('start-end.bpmn'));
    await deploy(world.engine, bpmn('timeout.bpmn'));
  });
  afterAll(async () => {
    await world.close();
  });

  test('a completed instance is told once, after its end is in the database', async () => {
    const told: { ended: InstanceEnded; stored: string | undefined }[] = [];
    const stopListening = world.engine.onInstanceEnded((ended) => {
      // the listener runs after the commit, so the store already holds the end
      void world.store.getInstance(ended.key).then((state) => told.push({ ended, stored: state?.status }));
    });
    try {
      const started = await world.engine.startInstance({ bpmnProcessId: 'start-end' });
      await eventually(() => (told.length > 0 ? true : undefined), 'the listener');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(told).toHaveLength(1);
      expect(told[0].ended).toMatchObject({ key: started.key, bpmnProcessId: 'start-end', status: InstanceStatus.COMPLETED });
      expect(told[0].stored).toBe(InstanceStatus.COMPLETED);
      expect(told[0].ended.endedAt).toBeGreaterThanOrEqual(told[0].ended.startedAt);
    } finally {
      stopListening();
    }
  });

  test('a canceled instance is told with its status; a removed listener hears nothing more', async () => {
    const told: InstanceEnded[] = [];
    const stopListening = world.engine.onInstanceEnded((ended) => void told.push(ended));
    const started = await world.engine.startInstance({ bpmnProcessId: 'timeout' });
    await world.engine.cancelInstance(started.key);
    await eventually(() => (told.length > 0 ? true : undefined), 'the listener');
    expect(told.map((t) => [t.key, t.status])).toEqual([[started.key, InstanceStatus.CANCELED]]);
    stopListening();
    await world.engine.startInstance({ bpmnProcessId: 'start-end' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(told).toHaveLength(1);
  });

  test('history reads its own writes: right after a step returns, its records are there', async () => {
    const started = await world.engine.startInstance({ bpmnProcessId: 'start-end' });
    const history = await world.engine.history(started.key);
    expect(history.at(-1)?.intent).toBe(Intent.INSTANCE_COMPLETED);
  });
});
