/**
 * Regression: after a failed commit (the database away for a moment) the engine forgets the instance and
 * reloads it from the store. Before the fix:
 * - an answer arriving while the instance was being reloaded was acknowledged and dropped ("no active
 *   instance"), so the instance waited for its job timeout (5 minutes by default) for nothing;
 * - a reload that failed too (the database still away) was an unhandled promise rejection, which ends
 *   a Node process, and the instance stayed forgotten until a restart.
 * Now an answer for an instance the store still holds as active is handed back to the bus (redelivered
 * later), and the reload is retried until it succeeds (timers re-armed from the stored state).
 */
import { InProcessBus } from '../../../engine/bus/in-process-bus';
import { AnswerKind, PROTOCOL_VERSION } from '../../../engine/bus/protocol';
import { loadEmbeddedCatalog } from '../../../catalog/embedded-catalog';
import { createLogger } from '../../../engine/logger';
import { Engine } from '../../../engine/runtime/engine';
import { InstanceStatus, JobState } from '../../../engine/runtime/instance-state';
import { Intent } from '../../../engine/runtime/intents';
import { MemoryStore } from '../../../engine/store/memory-store';
import type { CommitBatch } from '../../../engine/store/store';
import { bpmn, TEMPLATES_DIR, until } from '../support';

/** A memory store whose database can be "away": commits and reads fail while `down` is set. */
class FlakyStore extends MemoryStore {
  down = false;
  failedCommits = 0;
  failedReads = 0;
  override async commit(batch: CommitBatch): Promise<void> {
    if (this.down) {
      this.failedCommits += 1;
      throw new Error('database away');
    }
    return super.commit(batch);
  }
  override async getInstance(key: string) {
    if (this.down) {
      this.failedReads += 1;
      throw new Error('database away');
    }
    return super.getInstance(key);
  }
}

const PROCESS = bpmn(
  'reload',
  `    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
    <bpmn:serviceTask id="call"><bpmn:extensionElements><zeebe:taskDefinition type="reload.call" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>`,
);

test('an answer that meets a failed commit and a reload is applied once the database is back', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const store = new FlakyStore();
  const bus = new InProcessBus({ redeliveryDelayMs: 20 });
  const engine = await Engine.start({ store, bus, catalog: await loadEmbeddedCatalog(TEMPLATES_DIR), logger: createLogger('test') });
  try {
    await engine.deploy(PROCESS, 'reload.bpmn');
    const started = await engine.startInstance({ bpmnProcessId: 'reload' });
    const jobKey = await until(async () => {
      const stored = await store.getInstance(started.key);
      return Object.values(stored?.jobs ?? {}).find((job) => job.state === JobState.ACTIVATABLE)?.key;
    }, 'the job');

    store.down = true;
    await bus.publishAnswer({ protocol: PROTOCOL_VERSION, kind: AnswerKind.COMPLETE, jobKey, variables: { done: true } }, {});
    await until(async () => (store.failedCommits > 0 && store.failedReads > 1 ? true : undefined), 'a failed commit and failed reloads');
    await new Promise((resolve) => setTimeout(resolve, 300)); // redeliveries meet the forgotten instance
    store.down = false;

    const done = await until(async () => {
      const stored = await store.getInstance(started.key);
      return stored?.status === InstanceStatus.COMPLETED ? stored : undefined;
    }, 'the instance to complete with the answer', 10_000);
    expect(done.variables).toEqual({ done: true });
    const history = await store.history(started.key);
    expect(history.filter((h) => h.intent === Intent.JOB_COMPLETED)).toHaveLength(1);
    expect(history.map((h) => h.position)).toEqual(history.map((_, i) => i + 1));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await engine.stop();
    await bus.close();
  }
});
