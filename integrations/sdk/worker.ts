/**
 * createWorker: serve one task type over the bus. The handler's outcome becomes the job's answer:
 * returned variables -> complete; `BpmnError` -> BPMN error; anything else thrown -> fail.
 */
import type { Bus } from '../../engine/bus/bus';
import { AnswerKind, PROTOCOL_VERSION, type BusHeaders, type JobAnswer, type JobMessage } from '../../engine/bus/protocol';
import { createLogger, type Logger } from '../../engine/logger';
import { BpmnError, JobFailure } from './errors';
import { echoHeaders, toJob, type JobHandler } from './job';

export interface WorkerOptions<Variables extends Record<string, unknown> = Record<string, unknown>> {
  taskType: string;
  handler: JobHandler<Variables>;
  /** Jobs handled at once by this worker. Default 1. */
  concurrency?: number;
  logger?: Logger;
}

export interface Worker {
  readonly taskType: string;
  /** Takes no new jobs and resolves once the jobs in flight are answered. */
  stop(): Promise<void>;
}

export async function createWorker<Variables extends Record<string, unknown> = Record<string, unknown>>(
  bus: Bus,
  options: WorkerOptions<Variables>,
): Promise<Worker> {
  const { taskType, handler } = options;
  const logger = options.logger ?? createLogger(`worker ${taskType}`);
  const subscription = await bus.consumeJobs(
    taskType,
    async (message: JobMessage, headers: BusHeaders) => {
      const answer = await answerFor(message, headers, handler, logger);
      // A failed publish rejects, so the bus offers the job again: at least once, never lost.
      await bus.publishAnswer(answer, echoHeaders(headers));
    },
    { concurrency: options.concurrency ?? 1 },
  );
  logger.info({ taskType, concurrency: options.concurrency ?? 1 }, 'worker started');
  return {
    taskType,
    stop: async () => {
      await subscription.stop();
      logger.info({ taskType }, 'worker stopped');
    },
  };
}

async function answerFor<Variables extends Record<string, unknown>>(
  message: JobMessage,
  headers: BusHeaders,
  handler: JobHandler<Variables>,
  logger: Logger,
): Promise<JobAnswer> {
  const jobKey = message.jobKey;
  try {
    const result = await handler(toJob<Variables>(message, headers));
    if (result !== undefined && (result === null || typeof result !== 'object' || Array.isArray(result))) {
      throw new JobFailure(`The handler of ${message.type} returned ${Array.isArray(result) ? 'an array' : String(result)}; return an object of variables or nothing`);
    }
    return { protocol: PROTOCOL_VERSION, kind: AnswerKind.COMPLETE, jobKey, variables: result ?? {} };
  } catch (err) {
    if (err instanceof BpmnError) {
      logger.debug({ jobKey, errorCode: err.code }, 'job answered with a BPMN error');
      return {
        protocol: PROTOCOL_VERSION,
        kind: AnswerKind.ERROR,
        jobKey,
        errorCode: err.code,
        errorMessage: err.message,
        ...(err.variables ? { variables: err.variables } : {}),
      };
    }
    const failure = err instanceof JobFailure ? err : undefined;
    const retries = Math.max(0, failure?.retries ?? message.retries - 1);
    const errorMessage = typeof (err as Error | undefined)?.message === 'string' ? (err as Error).message : String(err);
    logger.warn({ jobKey, retries, err }, 'job failed');
    return {
      protocol: PROTOCOL_VERSION,
      kind: AnswerKind.FAIL,
      jobKey,
      retries,
      errorMessage,
      ...(failure?.retryBackoffMs !== undefined ? { retryBackoffMs: failure.retryBackoffMs } : {}),
    };
  }
}
