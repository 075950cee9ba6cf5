/**
 * The persisted state of one process instance. It is plain JSON: the store keeps it as one document per
 * instance, the runtime keeps active instances in memory and changes them only through the processor.
 */

export const InstanceStatus = { ACTIVE: 'ACTIVE', COMPLETED: 'COMPLETED', CANCELED: 'CANCELED' } as const;
export type InstanceStatus = (typeof InstanceStatus)[keyof typeof InstanceStatus];

export type Variables = Record<string, unknown>;

export const ElementState = { ACTIVE: 'ACTIVE', COMPLETING: 'COMPLETING' } as const;
export type ElementState = (typeof ElementState)[keyof typeof ElementState];

/** One activation of a flow element (a token resting on it). */
export interface ElementInstance {
  key: string;
  elementId: string;
  state: ElementState;
  activatedAt: number;
  jobKey?: string;
  userTaskKey?: string;
  /** Set while an incident holds this element. */
  incidentKey?: string;
}

export const JobState = { ACTIVATABLE: 'ACTIVATABLE', BACKING_OFF: 'BACKING_OFF', FAILED: 'FAILED' } as const;
export type JobState = (typeof JobState)[keyof typeof JobState];

export interface JobRecord {
  key: string;
  elementInstanceKey: string;
  elementId: string;
  type: string;
  state: JobState;
  retries: number;
  /** How often the job was offered on the bus; part of the publish dedupe id. */
  attempt: number;
  /** Epoch ms when the current offer times out (jobTimeout) and is offered again. */
  deadline: number;
  /** Epoch ms when a backing-off job is offered again. */
  retryAt?: number;
  variables: Variables;
  headers: Record<string, string>;
  errorMessage?: string;
}

export interface UserTaskRecord {
  key: string;
  elementInstanceKey: string;
  elementId: string;
  name?: string;
  assignee?: string;
  candidateGroups?: string[];
  formKey?: string;
  variables: Variables;
  createdAt: number;
}

export const IncidentType = {
  JOB_NO_RETRIES: 'JOB_NO_RETRIES',
  UNHANDLED_ERROR: 'UNHANDLED_ERROR',
  EXPRESSION: 'EXPRESSION',
  CONDITION: 'CONDITION',
  /** A job's mapped input or its answer breaks the operation contract (template metadata.inputSchema / resultSchema). */
  CONTRACT_VIOLATION: 'CONTRACT_VIOLATION',
  /** Writing a job's answer or a mapping's result would make the variables larger than the limit. */
  VARIABLES_LIMIT: 'VARIABLES_LIMIT',
} as const;
export type IncidentType = (typeof IncidentType)[keyof typeof IncidentType];

/** Which part of the element's lifecycle resolving the incident runs again. */
export type ResumePoint = 'activate' | 'complete' | 'job';

export interface IncidentRecord {
  key: string;
  type: IncidentType;
  message: string;
  elementId: string;
  elementInstanceKey: string;
  jobKey?: string;
  createdAt: number;
  resume: ResumePoint;
  /** For resume 'complete': the result the element was completing with. */
  result?: Variables;
}

export interface InstanceState {
  key: string;
  definitionKey: string;
  bpmnProcessId: string;
  version: number;
  status: InstanceStatus;
  startedAt: number;
  endedAt?: number;
  variables: Variables;
  /** Correlation headers given at start; every job carries them (with a traceparent of this trace). */
  headers: Record<string, string>;
  /** W3C trace id (32 hex) of the instance. */
  traceId: string;
  /** Active element instances by key. */
  elements: Record<string, ElementInstance>;
  /** Parallel join arrivals: gateway id -> incoming flow id -> tokens waiting. */
  joins: Record<string, Record<string, number>>;
  jobs: Record<string, JobRecord>;
  userTasks: Record<string, UserTaskRecord>;
  incidents: Record<string, IncidentRecord>;
  /** Next sequence number for child keys (`<instanceKey>-<seq>`). */
  nextSeq: number;
  /** Next position in the instance's history. */
  nextPosition: number;
}

/** One entry of an instance's ordered history: an event in the past tense. */
export interface HistoryRecord {
  instanceKey: string;
  position: number;
  time: number;
  intent: string;
  elementId?: string;
  elementInstanceKey?: string;
  detail?: Record<string, unknown>;
}
