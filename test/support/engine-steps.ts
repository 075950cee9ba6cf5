/** Given/when/then steps shared by the engine suites. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createWorker, type Worker } from '../../integrations/sdk';
import type { JobHandler } from '../../integrations/sdk';
import type { Engine } from '../../engine/runtime/engine';
import type { InstanceState, InstanceStatus } from '../../engine/runtime/instance-state';
import { eventually, type World } from './worlds';

export function fixture(dir: string, name: string): string {
  return readFileSync(path.join(dir, name), 'utf8');
}

export async function deploy(engine: Engine, xml: string, name = 'test.bpmn') {
  return engine.deploy(xml, name);
}

export async function waitForStatus(engine: Engine, key: string, status: InstanceStatus, timeoutMs = 10000): Promise<InstanceState> {
  return eventually(async () => {
    const state = await engine.getInstance(key);
    return state.status === status ? state : undefined;
  }, `instance ${key} to be ${status}`, timeoutMs);
}

export async function waitForIncident(engine: Engine, key: string, timeoutMs = 10000) {
  return eventually(() => engine.listIncidents({ processInstanceKey: key })[0], `an incident on ${key}`, timeoutMs);
}

export async function waitForUserTask(engine: Engine, key: string, timeoutMs = 10000) {
  return eventually(() => engine.listUserTasks({ processInstanceKey: key })[0], `a user task on ${key}`, timeoutMs);
}

/** A worker as an integration service runs it: on its own bus connection in the distributed world. */
export async function serve(world: World, taskType: string, handler: JobHandler, concurrency = 4): Promise<Worker> {
  return createWorker(await world.serviceBus(), { taskType, handler, concurrency });
}

export function intents(history: { intent: string; elementId?: string }[]): string[] {
  return history.map((h) => (h.elementId ? `${h.intent}:${h.elementId}` : h.intent));
}
