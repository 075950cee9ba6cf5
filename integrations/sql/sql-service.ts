/**
 * The service behind element-templates/sql/io.baton.sql.query-1.json: one parameterised query per job
 * against PostgreSQL (pg). The database and its credentials are the service's configuration
 * (SQL_DATABASE_URL), never process variables; the statement's values travel only as parameters ($1, $2,
 * ...), never spliced into the text. Answers: complete with { rows, rowCount, truncated }; BPMN error
 * INVALID_INPUT (no sql, params not an array), SQL_CONSTRAINT (a constraint refused the change, class 23)
 * or SQL_ERROR (the statement is wrong: syntax, unknown table or column, bad value; classes 22 and 42);
 * fail (retried) when the database cannot be reached or another error occurs.
 */
import { Pool } from 'pg';
import type { Bus } from '../../engine/bus/bus';
import { createLogger, type Logger } from '../../engine/logger';
import { BpmnError, createWorker, JobFailure, type Worker } from '../sdk';

export const SQL_TASK_TYPE = 'io.baton.sql.query:1';
export const SqlError = { INVALID_INPUT: 'INVALID_INPUT', SQL_ERROR: 'SQL_ERROR', SQL_CONSTRAINT: 'SQL_CONSTRAINT' } as const;

export interface SqlServiceOptions {
  /** postgresql://user:pass@host:port/db */
  connectionString: string;
  /** Rows returned at most (the answer must fit one bus message); more are cut and `truncated` is true. Default 1000. */
  maxRows?: number;
  /** Statement timeout in ms. Default 30 s. */
  statementTimeoutMs?: number;
  concurrency?: number;
  logger?: Logger;
}

export function startSqlService(bus: Bus, options: SqlServiceOptions): Promise<Worker> {
  const logger = options.logger ?? createLogger('sql');
  const maxRows = options.maxRows ?? 1000;
  const pool = new Pool({ connectionString: options.connectionString, max: options.concurrency ?? 4, statement_timeout: options.statementTimeoutMs ?? 30_000 });
  pool.on('error', (error) => logger.warn({ err: error }, 'an idle database connection failed'));
  return createWorker(bus, {
    taskType: SQL_TASK_TYPE,
    concurrency: options.concurrency ?? 4,
    logger,
    handler: async (job) => {
      const { sql, params } = job.variables;
      if (typeof sql !== 'string' || sql.trim() === '') throw new BpmnError(SqlError.INVALID_INPUT, 'sql: give the statement, with $1, $2, ... for its values');
      if (params !== undefined && params !== null && !Array.isArray(params)) throw new BpmnError(SqlError.INVALID_INPUT, 'params: must be an array (the values of $1, $2, ...)');
      try {
        const result = await pool.query(sql, (params ?? []) as unknown[]);
        const rows = (result.rows ?? []) as Record<string, unknown>[];
        return { rows: rows.slice(0, maxRows), rowCount: result.rowCount ?? rows.length, truncated: rows.length > maxRows };
      } catch (error) {
        const code = String((error as { code?: unknown }).code ?? '');
        const message = (error as Error).message;
        if (code.startsWith('23')) throw new BpmnError(SqlError.SQL_CONSTRAINT, message);
        if (code.startsWith('42') || code.startsWith('22')) throw new BpmnError(SqlError.SQL_ERROR, message);
        throw new JobFailure(`the query failed: ${message}`, { cause: error });
      }
    },
  }).then((worker) => ({
    taskType: worker.taskType,
    async stop() {
      await worker.stop();
      await pool.end();
    },
  }));
}
