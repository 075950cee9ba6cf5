/**
 * The reference: bpmn-engine (paed01) in memory, one Engine per instance (that is its model: an Engine runs
 * one execution), the definition parsed once and handed over as a serialized source context. Service tasks
 * call its own service mechanism (`implementation="${environment.services.work}"`); the service answers on
 * the next turn of the event loop, as an in-process worker would. User tasks wait (`activity.wait`) until
 * signalled.
 */
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import * as elements from 'bpmn-elements';
import { default as Serializer, TypeResolver } from 'moddle-context-serializer';
import { REFERENCE_BPMN, START_VARIABLES, type ScenarioId } from '../lib/processes';
import type { ScenarioRunner, Target } from './target';

interface ModdleLike {
  fromXML(xml: string): Promise<unknown>;
}
// bpmn-moddle ships no types (see engine/model/moddle.ts); bpmn-engine depends on the same copy.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BpmnModdle = require('bpmn-moddle') as new () => ModdleLike;

type ServiceCallback = (error: Error | null, result?: unknown) => void;

const services = {
  work(_context: unknown, callback: ServiceCallback): void {
    setImmediate(() => callback(null, { ok: true }));
  },
};

interface WaitingApi {
  signal(message?: unknown): void;
}

interface Waiting {
  engine: Engine;
  api: WaitingApi;
}

function ended(engine: Engine): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    engine.once('end', () => resolve());
    engine.once('error', (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))));
  });
}

export async function openBpmnEngine(): Promise<Target> {
  return {
    mode: 'bpmn-engine',
    async open(scenario: ScenarioId): Promise<ScenarioRunner> {
      const moddleContext = await new BpmnModdle().fromXML(REFERENCE_BPMN[scenario]);
      const sourceContext = Serializer(moddleContext as Parameters<typeof Serializer>[0], TypeResolver(elements));
      const create = () => new Engine({ sourceContext, services, variables: { ...START_VARIABLES } });
      return {
        async runOne() {
          const engine = create();
          const end = ended(engine);
          await engine.execute();
          await end;
        },
        async startWaiting() {
          const engine = create();
          const listener = new EventEmitter();
          const waiting = new Promise<WaitingApi>((resolve) => listener.once('activity.wait', (api: WaitingApi) => resolve(api)));
          await engine.execute({ listener });
          const handle: Waiting = { engine, api: await waiting };
          return handle;
        },
        async completeWaiting(handle: unknown) {
          const { engine, api } = handle as Waiting;
          const end = ended(engine);
          api.signal({ approved: true });
          await end;
        },
        async close() {},
      };
    },
    async close() {},
  };
}
