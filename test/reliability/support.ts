/**
 * An embedded Baton (SQLite file, in-process bus) on a free port, as `npm start` runs it, and a small
 * HTTP client for it that sends the admin key on every request.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../engine/logger';
import { startBaton, type RunningBaton } from '../../engine/server/baton';
import { configFromEnv } from '../../engine/server/config';

export const TEMPLATES_DIR = path.resolve(__dirname, '../../element-templates');

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface TestBaton {
  baton: RunningBaton;
  url: string;
  key: string;
  request(method: string, route: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

/** Starts Baton on its embedded default in a fresh folder; `env` adds or overrides settings. */
export async function startTestBaton(env: Record<string, string> = {}): Promise<TestBaton> {
  const dir = mkdtempSync(path.join(tmpdir(), 'baton-reliability-'));
  const key = `test-admin-${randomBytes(16).toString('hex')}`;
  const config = configFromEnv({
    PORT: '0',
    DATABASE_URL: `file:${path.join(dir, 'baton.db')}`,
    BATON_TEMPLATES_DIR: TEMPLATES_DIR,
    BATON_WORKERS: 'false',
    BATON_ADMIN_KEY: key,
    ...env,
  });
  const baton = await startBaton(config, createLogger('test'));
  const request = async (method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${key}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        (init.headers as Record<string, string>)['content-type'] = typeof body === 'string' ? 'application/xml' : 'application/json';
      }
    }
    const res = await fetch(`${baton.url}${route}`, init);
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, body: parsed };
  };
  return {
    baton,
    url: baton.url,
    key,
    request,
    async close() {
      await baton.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A one-process BPMN document around `body` (flow elements of process `id`). */
export function bpmn(id: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-${id}" targetNamespace="http://baton.dev/test">
  <bpmn:process id="${id}" isExecutable="true">
${body}
  </bpmn:process>
</bpmn:definitions>`;
}

/** start -> script task (JSONata `expression` into `result`) -> end. */
export function scriptProcess(id: string, expression: string): string {
  const escaped = expression.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return bpmn(
    id,
    `    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script" />
    <bpmn:scriptTask id="script"><bpmn:extensionElements><zeebe:script expression="=${escaped}" resultVariable="result" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>`,
  );
}

/** start -> user task -> service task (`taskType`) -> end. */
export function userThenServiceProcess(id: string, taskType: string): string {
  return bpmn(
    id,
    `    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:userTask id="review"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="call" />
    <bpmn:serviceTask id="call"><bpmn:extensionElements><zeebe:taskDefinition type="${taskType}" retries="1" /></bpmn:extensionElements><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="call" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>`,
  );
}

export async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
