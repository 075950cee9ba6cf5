/** The worker SDK: what an integration service needs to serve an operation over the Baton bus. */
export { createWorker } from './worker';
export type { Worker, WorkerOptions } from './worker';
export type { Job, JobHandler, JobResult } from './job';
export { BpmnError, JobFailure } from './errors';
export type { JobFailureOptions } from './errors';
export type { Bus } from '../../engine/bus/bus';
export type { BusHeaders } from '../../engine/bus/protocol';
export { InProcessBus } from '../../engine/bus/in-process-bus';
export { connectNatsBus } from '../../engine/bus/nats-bus';
export type { NatsBusOptions } from '../../engine/bus/nats-bus';
