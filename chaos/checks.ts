/**
 * The harness's verdict, read from the database after every process stopped:
 * - none lost: every start answered 201 is an instance in the database;
 * - none stuck: every instance in the database is COMPLETED, with nothing left in its state (no element,
 *   job, user task, incident, join arrival);
 * - exactly once: per instance one INSTANCE_CREATED and one INSTANCE_COMPLETED (the last record), per job
 *   exactly one JOB_CREATED and one JOB_COMPLETED, every job of the process's service tasks completed
 *   once, every user task created and completed once;
 * - consistent history: positions 1..n dense and ordered, the state's nextPosition is n + 1, every
 *   ELEMENT_ACTIVATED has exactly one ELEMENT_COMPLETED or ELEMENT_TERMINATED after it;
 * - every completed job was executed by a worker at least once (more is allowed: at least once delivery);
 * - the outbox is empty.
 */
import { Client } from 'pg';

export interface CheckInput {
  databaseUrl: string;
  schema: string;
  acknowledged: ReadonlySet<string>;
  executions: ReadonlyMap<string, number>;
  /** Service tasks every instance runs one job for. */
  expectedJobElements: string[];
  /** User tasks every instance completes once. */
  expectedUserTasks: string[];
}

export interface CheckResult {
  instancesStarted: number;
  instancesCompleted: number;
  instancesActive: number;
  jobsCompleted: number;
  /** Jobs whose handler ran more than once (allowed). */
  jobsExecutedMoreThanOnce: number;
  executions: number;
  historyRecords: number;
  outboxLeft: number;
  violations: string[];
}

interface HistoryRow {
  instance_key: string;
  position: string | number;
  intent: string;
  element_id: string | null;
  element_instance_key: string | null;
  detail: string | null;
}

const MAX_LISTED = 25;

export async function checkRun(input: CheckInput): Promise<CheckResult> {
  const db = new Client({ connectionString: input.databaseUrl.replace(/\?.*$/, ''), options: `-c search_path="${input.schema}"` });
  await db.connect();
  const violations: string[] = [];
  let dropped = 0;
  const violation = (text: string) => {
    if (violations.length < MAX_LISTED) violations.push(text);
    else dropped += 1;
  };
  try {
    const instances = (await db.query<{ key: string; status: string; state: string }>('SELECT key, status, state FROM instances')).rows;
    const history = (await db.query<HistoryRow>('SELECT instance_key, position, intent, element_id, element_instance_key, detail FROM history ORDER BY instance_key, position')).rows;
    const outboxLeft = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox')).rows[0].n);

    const byInstance = new Map<string, HistoryRow[]>();
    for (const row of history) {
      const list = byInstance.get(row.instance_key) ?? [];
      list.push(row);
      byInstance.set(row.instance_key, list);
    }
    const known = new Set(instances.map((i) => i.key));
    for (const key of input.acknowledged) if (!known.has(key)) violation(`lost: instance ${key} was acknowledged (201) but is not in the database`);
    for (const key of byInstance.keys()) if (!known.has(key)) violation(`history of instance ${key}, which has no instance row`);

    let completed = 0;
    let active = 0;
    let jobsCompleted = 0;
    let jobsExecutedMoreThanOnce = 0;
    for (const instance of instances) {
      const state = JSON.parse(instance.state) as {
        status: string;
        nextPosition: number;
        elements: object;
        jobs: object;
        userTasks: object;
        incidents: Record<string, { message: string }>;
        joins: Record<string, Record<string, number>>;
      };
      const where = `instance ${instance.key}`;
      if (instance.status === 'COMPLETED') completed += 1;
      else {
        if (instance.status === 'ACTIVE') active += 1;
        const incidents = Object.values(state.incidents ?? {}).map((i) => i.message);
        violation(`stuck: ${where} is ${instance.status}${incidents.length ? ` with incident(s): ${incidents.join('; ')}` : ''}`);
      }
      if (state.status !== instance.status) violation(`${where}: status column ${instance.status}, state document ${state.status}`);
      if (instance.status === 'COMPLETED') {
        const left = (['elements', 'jobs', 'userTasks', 'incidents'] as const).filter((part) => Object.keys(state[part] ?? {}).length > 0);
        const waiting = Object.values(state.joins ?? {}).some((arrivals) => Object.values(arrivals).some((n) => n > 0));
        if (left.length > 0 || waiting) violation(`${where} is COMPLETED but its state still holds ${[...left, ...(waiting ? ['join arrivals'] : [])].join(', ')}`);
      }

      const records = byInstance.get(instance.key) ?? [];
      // positions: dense 1..n, ordered
      records.forEach((record, index) => {
        if (Number(record.position) !== index + 1) violation(`${where}: history position ${record.position} where ${index + 1} was expected (gap or duplicate)`);
      });
      if (state.nextPosition !== records.length + 1) violation(`${where}: state's nextPosition is ${state.nextPosition}, history has ${records.length} records`);

      const count = (intent: string) => records.filter((r) => r.intent === intent).length;
      if (count('INSTANCE_CREATED') !== 1 || records[0]?.intent !== 'INSTANCE_CREATED') violation(`${where}: ${count('INSTANCE_CREATED')} INSTANCE_CREATED records (must be one, the first)`);
      if (instance.status === 'COMPLETED' && (count('INSTANCE_COMPLETED') !== 1 || records[records.length - 1]?.intent !== 'INSTANCE_COMPLETED')) {
        violation(`${where}: ${count('INSTANCE_COMPLETED')} INSTANCE_COMPLETED records (must be one, the last)`);
      }

      // jobs: one JOB_CREATED and one JOB_COMPLETED per job key; one job per expected service task
      const jobs = new Map<string, { elementId: string | null; created: number; completed: number; canceled: number }>();
      for (const record of records) {
        if (!record.intent.startsWith('JOB_')) continue;
        const jobKey = (JSON.parse(record.detail ?? '{}') as { jobKey?: string }).jobKey;
        if (!jobKey) continue;
        const job = jobs.get(jobKey) ?? { elementId: record.element_id, created: 0, completed: 0, canceled: 0 };
        if (record.intent === 'JOB_CREATED') job.created += 1;
        if (record.intent === 'JOB_COMPLETED') job.completed += 1;
        if (record.intent === 'JOB_CANCELED') job.canceled += 1;
        jobs.set(jobKey, job);
      }
      const completedPerElement = new Map<string, number>();
      for (const [jobKey, job] of jobs) {
        if (job.created !== 1) violation(`${where}: job ${jobKey} has ${job.created} JOB_CREATED records`);
        if (job.completed + job.canceled !== 1) violation(`${where}: job ${jobKey} (${job.elementId}) has ${job.completed} JOB_COMPLETED and ${job.canceled} JOB_CANCELED records (must be one in all)`);
        if (job.completed > 0) {
          jobsCompleted += 1;
          completedPerElement.set(job.elementId ?? '?', (completedPerElement.get(job.elementId ?? '?') ?? 0) + job.completed);
          const ran = input.executions.get(jobKey) ?? 0;
          if (ran === 0) violation(`${where}: job ${jobKey} (${job.elementId}) is completed but no worker reported executing it`);
          if (ran > 1) jobsExecutedMoreThanOnce += 1;
        }
      }
      if (instance.status === 'COMPLETED') {
        for (const elementId of input.expectedJobElements) {
          const n = completedPerElement.get(elementId) ?? 0;
          if (n !== 1) violation(`${where}: the job of '${elementId}' was completed ${n} times (must be once)`);
        }
        for (const elementId of input.expectedUserTasks) {
          const created = records.filter((r) => r.intent === 'USER_TASK_CREATED' && r.element_id === elementId).length;
          const done = records.filter((r) => r.intent === 'USER_TASK_COMPLETED' && r.element_id === elementId).length;
          if (created !== 1 || done !== 1) violation(`${where}: user task '${elementId}' created ${created} and completed ${done} times (must be once each)`);
        }
      }

      // elements: every activation ends exactly once (completed or terminated), after it
      const open = new Map<string, number>();
      const ended = new Set<string>();
      for (const record of records) {
        const key = record.element_instance_key;
        if (!key) continue;
        if (record.intent === 'ELEMENT_ACTIVATED') {
          if (open.has(key) || ended.has(key)) violation(`${where}: element instance ${key} (${record.element_id}) activated twice`);
          open.set(key, Number(record.position));
        } else if (record.intent === 'ELEMENT_COMPLETED' || record.intent === 'ELEMENT_TERMINATED') {
          if (!open.has(key)) violation(`${where}: element instance ${key} (${record.element_id}) ${record.intent} without an activation before it, or twice`);
          open.delete(key);
          ended.add(key);
        }
      }
      if (instance.status === 'COMPLETED') for (const key of open.keys()) violation(`${where}: element instance ${key} was activated and never completed or terminated`);
    }
    if (outboxLeft > 0) violation(`${outboxLeft} outbox row(s) left unsent`);
    if (dropped > 0) violations.push(`... and ${dropped} more violation(s)`);

    let executions = 0;
    for (const n of input.executions.values()) executions += n;
    return {
      instancesStarted: instances.length,
      instancesCompleted: completed,
      instancesActive: active,
      jobsCompleted,
      jobsExecutedMoreThanOnce,
      executions,
      historyRecords: history.length,
      outboxLeft,
      violations,
    };
  } finally {
    await db.end();
  }
}
