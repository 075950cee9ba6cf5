/**
 * Group-commit throughput of the SQL stores: commits per second for batches of 1 and 100 instance changes,
 * each change = 1 instance upsert (~550-byte state), 2 history rows, 1 outbox row; one commit in flight,
 * as the engine's commit queue runs it. Every commit also deletes the outbox rows of the commit before
 * (as published), so the outbox stays small as in the engine.
 *
 *   npx tsx bench/store-commit.ts [seconds per case, default 3]
 *   BATON_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test (default) picks the PostgreSQL server;
 *   a schema of its own is created and dropped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createLogger } from '../engine/logger';
import type { HistoryRecord, InstanceState } from '../engine/runtime/instance-state';
import { createStore } from '../engine/store/create-store';
import type { CommitBatch, OutboxEntry, Store } from '../engine/store/store';

const SECONDS = Number(process.argv[2] ?? 3);
const POSTGRES = process.env.BATON_BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const logger = createLogger('bench', 'warn');

function state(key: string, seq: number): InstanceState {
  return {
    key,
    definitionKey: 'order:3',
    bpmnProcessId: 'order',
    version: 3,
    status: 'ACTIVE',
    startedAt: 1_700_000_000_000,
    variables: { orderId: key, amount: 99.5, currency: 'EUR', customer: { id: 'c-1234', name: 'Ada Lovelace', tier: 'gold' }, items: [1, 2, 3] },
    headers: {},
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    elements: { [`${key}-1`]: { key: `${key}-1`, elementId: 'Charge', state: 'ACTIVE', activatedAt: 1_700_000_000_100, jobKey: `${key}-2` } },
    joins: {},
    jobs: {},
    userTasks: {},
    incidents: {},
    nextSeq: seq,
    nextPosition: seq,
  };
}

function outbox(id: string, key: string): OutboxEntry {
  return { id, message: { kind: 'event', event: { protocol: 1, kind: 'element.entered', time: 1_700_000_000_000, processInstanceKey: key, bpmnProcessId: 'order', elementId: 'Task_Charge' } } };
}

let outboxId = 0;

interface Result { store: string; batch: number; commits: number; seconds: number }

async function run(store: Store, name: string, batchSize: number): Promise<Result> {
  const instances = 1000;
  let position = 0;
  let previous: string[] = [];
  const nextBatch = (): CommitBatch => {
    const batch: CommitBatch = { instances: [], history: [], outbox: [], published: previous };
    for (let i = 0; i < batchSize; i++) {
      const key = `${name}-${batchSize}-${(position + i) % instances}`;
      const p = 2 * Math.floor((position + i) / instances);
      batch.instances.push(state(key, p));
      const history: HistoryRecord[] = [
        { instanceKey: key, position: p, time: Date.now(), intent: 'ELEMENT_COMPLETED', elementId: 'Task_A', elementInstanceKey: `${key}-1` },
        { instanceKey: key, position: p + 1, time: Date.now(), intent: 'ELEMENT_ACTIVATED', elementId: 'Task_B', elementInstanceKey: `${key}-3`, detail: { jobKey: `${key}-2` } },
      ];
      batch.history.push(...history);
      batch.outbox.push(outbox(String(++outboxId).padStart(12, '0'), key));
    }
    position += batchSize;
    previous = batch.outbox.map((e) => e.id);
    return batch;
  };
  for (let i = 0; i < 20; i++) await store.commit(nextBatch()); // warm up
  let commits = 0;
  const started = process.hrtime.bigint();
  const end = started + BigInt(Math.round(SECONDS * 1e9));
  while (process.hrtime.bigint() < end) {
    await store.commit(nextBatch());
    commits++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { store: name, batch: batchSize, commits, seconds };
}

async function main(): Promise<void> {
  const results: Result[] = [];
  const sample = JSON.stringify(state('sqlite-100-999', 2)).length;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-'));
  const sqlite = await createStore({ databaseUrl: `file:${path.join(dir, 'bench.db')}`, dataDir: dir, logger });
  await sqlite.migrate();
  for (const size of [1, 100]) results.push(await run(sqlite, 'sqlite', size));
  await sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const schema = `baton_bench_${process.pid}`;
  try {
    const pg = await createStore({ databaseUrl: `${POSTGRES}?schema=${schema}`, dataDir: dir, logger });
    await pg.migrate();
    for (const size of [1, 100]) results.push(await run(pg, 'postgresql', size));
    await pg.close();
  } finally {
    const client = new Client({ connectionString: POSTGRES });
    await client.connect().then(() => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).finally(() => client.end());
  }

  console.log(`state JSON ${sample} bytes; per change: 1 instance upsert, 2 history rows, 1 outbox row; ${SECONDS} s per case\n`);
  console.log('store       batch   commits/s   changes/s   ms/commit');
  for (const r of results) {
    const perSecond = r.commits / r.seconds;
    console.log(
      `${r.store.padEnd(10)} ${String(r.batch).padStart(6)} ${perSecond.toFixed(0).padStart(11)} ${(perSecond * r.batch).toFixed(0).padStart(11)} ${(1000 / perSecond).toFixed(2).padStart(11)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
