/** bpmn:ServiceTask: a job on the bus, answered by an integration service. */
export { jobWorkerTaskProcessor as serviceTaskProcessor } from './job-worker-task';
