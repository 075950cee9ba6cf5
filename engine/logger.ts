/** Structured logs (pino, JSON lines). Level from LOG_LEVEL (default info; tests use silent). */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info')): Logger {
  return pino({ name, level, base: undefined });
}
