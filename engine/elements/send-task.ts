/** bpmn:SendTask: behaves as a service task (a job whose service sends the message), as in Zeebe. */
export { jobWorkerTaskProcessor as sendTaskProcessor } from './job-worker-task';
