/**
 * The store: definitions (cold path, Prisma), instance state, history and the outbox (hot path, written in
 * one transaction per group commit). Implementations: SQLite and PostgreSQL (sql-store.ts), and an
 * in-memory twin for unit tests and the in-memory benchmark mode.
 */
import type { BusHeaders, EngineEvent, JobMessage } from '../bus/protocol';
import type { HistoryRecord, InstanceState, InstanceStatus } from '../runtime/instance-state';

export interface DefinitionRecord {
  key: string;
  bpmnProcessId: string;
  name?: string;
  version: number;
  /** sha256 of the deployed XML; identical XML is no new version. */
  hash: string;
  resourceName: string;
  xml: string;
  deployedAt: number;
  /** Templates used by the definition's tasks (for catalog usages). */
  templates: { id: string; version?: number; elementId: string }[];
}

/** A bus message written in the same transaction as the state change that causes it. */
export type OutboxMessage =
  | { kind: 'job'; job: JobMessage; attempt: number; headers: BusHeaders }
  | { kind: 'event'; event: EngineEvent };

export interface OutboxEntry {
  /** Unique, and increasing in commit order. */
  id: string;
  message: OutboxMessage;
}

/** Everything one group commit writes, in one transaction. */
export interface CommitBatch {
  /** Insert or replace, by key. Read by `commit` before it first awaits (the caller may change them after). */
  instances: InstanceState[];
  /** When given, the JSON of `instances[i]` for each i: stores keep it instead of serialising again, and read
   *  only the top-level columns (key, status, times, incident count) from `instances`. */
  documents?: string[];
  history: HistoryRecord[];
  outbox: OutboxEntry[];
  /** Outbox ids already published, to delete. */
  published: string[];
}

export interface InstanceSummary {
  key: string;
  definitionKey: string;
  bpmnProcessId: string;
  version: number;
  status: InstanceStatus;
  incidents: number;
  startedAt: number;
  endedAt?: number;
}

export interface InstanceFilter {
  status?: InstanceStatus;
  bpmnProcessId?: string;
  definitionKey?: string;
  limit: number;
  offset: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgresql' | 'memory';
  /** Applies pending migrations (Prisma's migration files and bookkeeping table). */
  migrate(): Promise<void>;

  // definitions: cold path
  /** Inserts a set of definitions (one deployment) in one transaction; versions are assigned by the
   *  caller from latestVersion. */
  insertDefinitions(definitions: DefinitionRecord[]): Promise<void>;
  latestDefinition(bpmnProcessId: string): Promise<DefinitionRecord | null>;
  getDefinition(key: string): Promise<DefinitionRecord | null>;
  listDefinitions(): Promise<DefinitionRecord[]>;

  // instances: hot path
  commit(batch: CommitBatch): Promise<void>;
  loadActiveInstances(): Promise<InstanceState[]>;
  getInstance(key: string): Promise<InstanceState | null>;
  listInstances(filter: InstanceFilter): Promise<InstanceSummary[]>;
  history(instanceKey: string): Promise<HistoryRecord[]>;
  /** Outbox entries not yet published, oldest first (read at start, after a crash). */
  pendingOutbox(): Promise<OutboxEntry[]>;

  health(): Promise<{ ok: boolean; detail: string }>;
  close(): Promise<void>;
}
