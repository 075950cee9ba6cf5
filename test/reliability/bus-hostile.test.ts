/**
 * Hostile answers on the bus: raw bytes, malformed JSON, another protocol version, answers that break the
 * schema, answers for unknown jobs, for jobs of unknown instances, and for a job already done. Each is
 * logged and dropped, never applied; the engine keeps taking answers, on NATS JetStream (raw bytes
 * published on the answers subject) and on the in-process bus.
 */
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { InProcessBus } from '../../engine/bus/in-process-bus';
import type { NatsBus } from '../../engine/bus/nats-bus';
import { AnswerKind, PROTOCOL_VERSION, type JobAnswer } from '../../engine/bus/protocol';
import { InstanceStatus, JobState, type InstanceState } from '../../engine/runtime/instance-state';
import { Intent } from '../../engine/runtime/intents';
import { NATS_URL, eventually, openWorld, type World, type WorldKind } from '../support/worlds';
import { bpmn } from './support';

const PROCESS = bpmn(
  'bus-hostile',
  `    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
    <bpmn:serviceTask id="call"><bpmn:extensionElements><zeebe:taskDefinition type="hostile.call" retries="3" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>`,
);

/** Malformed and misdirected answers, as raw text, for a live instance with an open job. */
function hostileAnswers(instanceKey: string, jobKey: string): string[] {
  const valid = (fields: Record<string, unknown>) => JSON.stringify({ protocol: PROTOCOL_VERSION, kind: 'complete', jobKey, variables: { applied: true }, ...fields });
  return [
    '\u0000\u00ff\u00fe not json at all',
    '{"protocol":1,"kind":"complete","jobKey":',
    '',
    'null',
    '[1,2,3]',
    '"a string"',
    valid({ protocol: 2 }),
    valid({ protocol: '1' }),
    valid({ kind: 'explode' }),
    valid({ jobKey: undefined }),
    valid({ jobKey: '' }),
    valid({ jobKey: 42 }),
    valid({ variables: 'not an object' }),
    valid({ variables: [1, 2] }),
    valid({ extra: 'field' }),
    JSON.stringify({ protocol: 1, kind: 'fail', jobKey, retries: -1, errorMessage: 'negative retries' }),
    JSON.stringify({ protocol: 1, kind: 'fail', jobKey }),
    JSON.stringify({ protocol: 1, kind: 'error', jobKey, errorCode: '' }),
    valid({ jobKey: `${instanceKey}-999` }), // no such job in a live instance
    valid({ jobKey: `${instanceKey}` }), // the instance key itself
    valid({ jobKey: `${instanceKey}-1` }), // an element instance key, not a job
    valid({ jobKey: '0000000000000000000-3' }), // no such instance
    valid({ jobKey: '__proto__' }),
    valid({ jobKey: `${instanceKey}-__proto__` }),
    valid({ jobKey: 'constructor' }),
  ];
}

describe.each<WorldKind>(['embedded', 'distributed'])('hostile answers on the %s bus', (kind) => {
  let world: World;
  /** Puts raw text on the answers subject (NATS) or straight into the answer queue (in-process). */
  let sendRaw: (text: string) => Promise<void>;
  let closeRaw: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    world = await openWorld(kind);
    if (kind === 'distributed') {
      const prefix = (world.bus as NatsBus).prefix;
      const nc = await connect({ servers: NATS_URL });
      const js = (await import('@nats-io/jetstream')).jetstream(nc);
      sendRaw = async (text) => {
        await js.publish(`${prefix}.answer.complete`, new TextEncoder().encode(text));
      };
      closeRaw = () => nc.close();
    } else {
      // The in-process bus takes objects; its queue is reached here to put raw text in, as a broken
      // publisher in the same process could.
      const queue = (world.bus as unknown as { answerQueue: { push(d: { body: string; headers: Record<string, string>; count: number }): void } }).answerQueue;
      sendRaw = async (text) => queue.push({ body: text, headers: {}, count: 0 });
    }
  });
  afterAll(async () => {
    await closeRaw();
    await world.close();
  });

  async function openJob(): Promise<{ state: InstanceState; jobKey: string }> {
    const started = await world.engine.startInstance({ bpmnProcessId: 'bus-hostile', variables: { n: 1 } });
    return eventually(async () => {
      const state = await world.store.getInstance(started.key);
      const job = Object.values(state?.jobs ?? {}).find((j) => j.state === JobState.ACTIVATABLE);
      return job && state ? { state, jobKey: job.key } : undefined;
    }, 'the job to be committed');
  }

  test('malformed and misdirected answers are dropped; the right one is applied once; a late one is dropped', async () => {
    await world.engine.deploy(PROCESS, 'bus-hostile.bpmn');
    const { state, jobKey } = await openJob();
    const historyBefore = await world.engine.history(state.key);

    for (const text of hostileAnswers(state.key, jobKey)) await sendRaw(text);
    if (kind === 'embedded') {
      // and through the public API, objects that break the schema
      const bus = world.bus as InProcessBus;
      for (const answer of [{ protocol: 1, kind: 'complete' }, { protocol: 1, kind: 'complete', jobKey, variables: null }, undefined, null]) {
        await bus.publishAnswer(answer as unknown as JobAnswer, {}).catch(() => undefined);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, kind === 'distributed' ? 1_500 : 300));

    const after = await world.engine.getInstance(state.key);
    expect(after.status).toBe(InstanceStatus.ACTIVE);
    expect(after.variables).toEqual({ n: 1 });
    expect(after.jobs[jobKey]).toMatchObject({ state: JobState.ACTIVATABLE, retries: 3 });
    expect(await world.engine.history(state.key)).toEqual(historyBefore);
    expect(world.engine.listIncidents({ processInstanceKey: state.key })).toEqual([]);

    // the engine still takes answers: the right one completes the instance
    const complete = { protocol: PROTOCOL_VERSION, kind: AnswerKind.COMPLETE, jobKey, variables: { applied: true } };
    await world.bus.publishAnswer(complete, {});
    const done = await eventually(async () => {
      const current = await world.engine.getInstance(state.key);
      return current.status === InstanceStatus.COMPLETED ? current : undefined;
    }, 'the instance to complete');
    expect(done.variables).toEqual({ n: 1, applied: true });

    // an answer for the job already done (twice, and as a failure) changes nothing
    await world.bus.publishAnswer({ ...complete, variables: { applied: 'again' } }, {});
    await world.bus.publishAnswer({ protocol: PROTOCOL_VERSION, kind: AnswerKind.FAIL, jobKey, retries: 0, errorMessage: 'late' }, {});
    await sendRaw(JSON.stringify({ ...complete, variables: { applied: 'raw' } }));
    await new Promise((resolve) => setTimeout(resolve, kind === 'distributed' ? 1_000 : 200));
    const history = await world.engine.history(state.key);
    expect(history.filter((h) => h.intent === Intent.JOB_COMPLETED)).toHaveLength(1);
    expect(history.filter((h) => h.intent === Intent.INSTANCE_COMPLETED)).toHaveLength(1);
    expect((await world.engine.getInstance(state.key)).variables).toEqual({ n: 1, applied: true });

    // and another instance still runs through
    const next = await openJob();
    await world.bus.publishAnswer({ ...complete, jobKey: next.jobKey }, {});
    await eventually(async () => ((await world.engine.getInstance(next.state.key)).status === InstanceStatus.COMPLETED ? true : undefined), 'the next instance');

    if (kind === 'distributed') {
      // nothing is left behind in the answers stream: every message was acknowledged or terminated
      const nc = await connect({ servers: NATS_URL });
      const jsm = await jetstreamManager(nc);
      const stream = (world.bus as NatsBus).streams.answers;
      await eventually(async () => ((await jsm.streams.info(stream)).state.messages === 0 ? true : undefined), 'the answers stream to be empty', 15_000);
      await nc.close();
    }
  });
});
