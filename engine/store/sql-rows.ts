/**
 * What the SQL stores (SQLite and PostgreSQL) share: the tables' columns, row shapes, the mapping between
 * rows and the store's records, and how a commit batch is prepared for multi-row statements.
 * Times are epoch milliseconds; SQLite and pg may hand them back as bigint or string, so every read goes
 * through `toNumber`.
 */
import type { HistoryRecord, InstanceState, InstanceStatus } from '../runtime/instance-state';
import type { CommitBatch, DefinitionRecord, InstanceFilter, InstanceSummary, OutboxEntry, OutboxMessage } from './store';
import { ConflictError, StoreError } from '../errors';

export type DbNumber = number | bigint | string;

/** A definitions row as Prisma's client reads and writes it. */
export interface DefinitionRow {
  key: string;
  bpmnProcessId: string;
  name: string | null;
  version: number;
  hash: string;
  resourceName: string;
  xml: string;
  deployedAt: bigint;
  templates: string;
}

/** An instances row without its state document, as Prisma's client reads it. */
export interface InstanceSummaryRow {
  key: string;
  definitionKey: string;
  bpmnProcessId: string;
  version: number;
  status: string;
  incidents: number;
  startedAt: DbNumber;
  endedAt: DbNumber | null;
}

/** A history row as the drivers read it (snake_case columns). */
export interface HistoryRow {
  instance_key: string;
  position: DbNumber;
  time: DbNumber;
  intent: string;
  element_id: string | null;
  element_instance_key: string | null;
  detail: string | null;
}

export interface OutboxRow {
  id: string;
  message: string;
}

/** The values of one instances row, in INSTANCE_COLUMNS order. */
export type InstanceValues = [string, string, string, number, string, number, number, number | null, string];
/** The values of one history row, in HISTORY_COLUMNS order. */
export type HistoryValues = [string, number, number, string, string | null, string | null, string | null];
export type OutboxValues = [string, string];

export const INSTANCE_COLUMNS = ['key', 'definition_key', 'bpmn_process_id', 'version', 'status', 'incidents', 'started_at', 'ended_at', 'state'] as const;
export const HISTORY_COLUMNS = ['instance_key', 'position', 'time', 'intent', 'element_id', 'element_instance_key', 'detail'] as const;
export const OUTBOX_COLUMNS = ['id', 'message'] as const;

/** `SET col = excluded.col, ...` for every instances column but the key (SQLite and PostgreSQL alike). */
export const INSTANCE_UPSERT_SET = INSTANCE_COLUMNS.slice(1)
  .map((c) => `"${c}" = excluded."${c}"`)
  .join(', ');

export function quotedColumns(columns: readonly string[]): string {
  return columns.map((c) => `"${c}"`).join(', ');
}

export function toNumber(value: DbNumber): number {
  return typeof value === 'number' ? value : Number(value);
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new StoreError(`The stored ${what} is no valid JSON`, { cause: error });
  }
}

export function definitionToRow(d: DefinitionRecord): DefinitionRow {
  return {
    key: d.key,
    bpmnProcessId: d.bpmnProcessId,
    name: d.name ?? null,
    version: d.version,
    hash: d.hash,
    resourceName: d.resourceName,
    xml: d.xml,
    deployedAt: BigInt(d.deployedAt),
    templates: JSON.stringify(d.templates),
  };
}

export function rowToDefinition(row: DefinitionRow): DefinitionRecord {
  const record: DefinitionRecord = {
    key: row.key,
    bpmnProcessId: row.bpmnProcessId,
    version: row.version,
    hash: row.hash,
    resourceName: row.resourceName,
    xml: row.xml,
    deployedAt: toNumber(row.deployedAt),
    templates: parseJson<DefinitionRecord['templates']>(row.templates, `templates of definition '${row.key}'`),
  };
  if (row.name !== null) record.name = row.name;
  return record;
}

export function rowToSummary(row: InstanceSummaryRow): InstanceSummary {
  const summary: InstanceSummary = {
    key: row.key,
    definitionKey: row.definitionKey,
    bpmnProcessId: row.bpmnProcessId,
    version: row.version,
    status: row.status as InstanceStatus,
    incidents: row.incidents,
    startedAt: toNumber(row.startedAt),
  };
  if (row.endedAt !== null) summary.endedAt = toNumber(row.endedAt);
  return summary;
}

export function parseState(text: string, key: string): InstanceState {
  return parseJson<InstanceState>(text, `state of instance '${key}'`);
}

export function instanceValues(s: InstanceState, document?: string): InstanceValues {
  return [
    s.key,
    s.definitionKey,
    s.bpmnProcessId,
    s.version,
    s.status,
    Object.keys(s.incidents).length,
    s.startedAt,
    s.endedAt ?? null,
    document ?? JSON.stringify(s),
  ];
}

export function historyValues(h: HistoryRecord): HistoryValues {
  return [
    h.instanceKey,
    h.position,
    h.time,
    h.intent,
    h.elementId ?? null,
    h.elementInstanceKey ?? null,
    h.detail === undefined ? null : JSON.stringify(h.detail),
  ];
}

export function rowToHistory(row: HistoryRow): HistoryRecord {
  const record: HistoryRecord = {
    instanceKey: row.instance_key,
    position: toNumber(row.position),
    time: toNumber(row.time),
    intent: row.intent,
  };
  if (row.element_id !== null) record.elementId = row.element_id;
  if (row.element_instance_key !== null) record.elementInstanceKey = row.element_instance_key;
  if (row.detail !== null) record.detail = parseJson<Record<string, unknown>>(row.detail, `history detail of instance '${row.instance_key}'`);
  return record;
}

export function rowToOutbox(row: OutboxRow): OutboxEntry {
  return { id: row.id, message: parseJson<OutboxMessage>(row.message, `outbox message '${row.id}'`) };
}

/** A commit batch as rows: instances deduplicated by key (the last change wins), outbox entries that the
 *  same batch already marks published left out (they are done), the rest deleted. */
export interface PreparedBatch {
  instances: InstanceValues[];
  history: HistoryValues[];
  outbox: OutboxValues[];
  published: string[];
}

export function prepareBatch(batch: CommitBatch): PreparedBatch {
  const latest = new Map<string, InstanceValues>();
  batch.instances.forEach((state, i) => latest.set(state.key, instanceValues(state, batch.documents?.[i])));
  const published = new Set(batch.published);
  return {
    instances: [...latest.values()],
    history: batch.history.map(historyValues),
    outbox: batch.outbox.filter((e) => !published.has(e.id)).map((e): OutboxValues => [e.id, JSON.stringify(e.message)]),
    published: [...published],
  };
}

/** The ORDER BY of listInstances, the same in every store: newest first. */
export const INSTANCE_ORDER = 'newest first (startedAt descending, then key descending)';

/** The where clause of listInstances, as Prisma's client takes it. */
export function instanceWhere(filter: InstanceFilter): { status?: string; bpmnProcessId?: string; definitionKey?: string } {
  const where: { status?: string; bpmnProcessId?: string; definitionKey?: string } = {};
  if (filter.status !== undefined) where.status = filter.status;
  if (filter.bpmnProcessId !== undefined) where.bpmnProcessId = filter.bpmnProcessId;
  if (filter.definitionKey !== undefined) where.definitionKey = filter.definitionKey;
  return where;
}

export const INSTANCE_SUMMARY_SELECT = {
  key: true,
  definitionKey: true,
  bpmnProcessId: true,
  version: true,
  status: true,
  incidents: true,
  startedAt: true,
  endedAt: true,
} as const;

/** Splits n rows into chunks of at most `max` rows whose sizes are powers of two, so that a store caches at
 *  most log2(max)+1 prepared statements per table (100 rows -> 64 + 32 + 4). */
export function powerOfTwoChunks(n: number, max: number): number[] {
  const sizes: number[] = [];
  let left = n;
  while (left >= max) {
    sizes.push(max);
    left -= max;
  }
  for (let size = max >> 1; size >= 1; size >>= 1) {
    if (left >= size) {
      sizes.push(size);
      left -= size;
    }
  }
  return sizes;
}

/** Wraps a driver error as a StoreError that says what failed. */
export function storeError(action: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreError(`${action} failed: ${reason}`, { cause: error });
}

/** A unique violation on insertDefinitions is a conflict (another deployment took the version). */
export function definitionError(error: unknown, definitions: DefinitionRecord[]): Error {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'P2002') {
    const names = definitions.map((d) => `${d.bpmnProcessId} v${d.version}`).join(', ');
    return new ConflictError(`A definition with the same key or process id and version exists already (${names}); nothing was deployed`);
  }
  return storeError('Inserting definitions (nothing was deployed)', error);
}
