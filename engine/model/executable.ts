/**
 * The executable model: what a BPMN process compiles into at deploy time. The runtime reads only this;
 * it never touches XML, moddle objects or the catalog after deploy.
 */
import type { ContractCheck } from '../../catalog/contract-schema';
import type { CompiledExpression, VariableMapping } from '../mapping/expression';

export const ElementKind = {
  START_EVENT: 'startEvent',
  END_EVENT: 'endEvent',
  SERVICE_TASK: 'serviceTask',
  SEND_TASK: 'sendTask',
  USER_TASK: 'userTask',
  SCRIPT_TASK: 'scriptTask',
  EXCLUSIVE_GATEWAY: 'exclusiveGateway',
  PARALLEL_GATEWAY: 'parallelGateway',
  BOUNDARY_EVENT: 'boundaryEvent',
} as const;
export type ElementKind = (typeof ElementKind)[keyof typeof ElementKind];

export interface SequenceFlow {
  readonly id: string;
  readonly sourceId: string;
  readonly targetId: string;
  /** JSONata condition; only flows out of an exclusive gateway carry one. */
  readonly condition?: CompiledExpression;
}

interface ElementBase {
  readonly id: string;
  readonly name?: string;
  readonly incoming: readonly string[];
  readonly outgoing: readonly SequenceFlow[];
  /** Ids of the boundary events attached to this element. */
  readonly boundaryEventIds: readonly string[];
  /** 1-based line of the element in the deployed XML, for messages. */
  readonly line?: number;
}

export interface StartEventElement extends ElementBase {
  readonly kind: typeof ElementKind.START_EVENT;
}

export interface EndEventElement extends ElementBase {
  readonly kind: typeof ElementKind.END_EVENT;
  /** Set for an error end event: the BPMN error it throws. */
  readonly error?: { readonly code: string; readonly message?: string };
}

/** The template a task was modelled from (zeebe:modelerTemplate and version). */
export interface TemplateRef {
  readonly id: string;
  readonly version?: number;
}

/** Service and send tasks: both become a job on the bus. */
export interface JobWorkerElement extends ElementBase {
  readonly kind: typeof ElementKind.SERVICE_TASK | typeof ElementKind.SEND_TASK;
  readonly taskType: string;
  readonly retries: number;
  readonly inputs: readonly VariableMapping[];
  readonly outputs: readonly VariableMapping[];
  /** zeebe:taskHeader values, sent with the job as they are. */
  readonly headers: Readonly<Record<string, string>>;
  readonly resultVariable?: string;
  readonly resultExpression?: CompiledExpression;
  readonly errorExpression?: CompiledExpression;
  readonly retryBackoffMs: number;
  readonly jobTimeoutMs: number;
  readonly template?: TemplateRef;
  /** The template's operation contract (metadata.inputSchema): checked on the mapped input before the job is published. */
  readonly inputContract?: ContractCheck;
  /** The template's operation contract (metadata.resultSchema): checked on the answer before it is mapped. */
  readonly resultContract?: ContractCheck;
}

export interface UserTaskElement extends ElementBase {
  readonly kind: typeof ElementKind.USER_TASK;
  readonly inputs: readonly VariableMapping[];
  readonly outputs: readonly VariableMapping[];
  readonly assignee?: string;
  readonly candidateGroups?: readonly string[];
  readonly formKey?: string;
}

export interface ScriptTaskElement extends ElementBase {
  readonly kind: typeof ElementKind.SCRIPT_TASK;
  readonly expression: CompiledExpression;
  readonly resultVariable: string;
  readonly inputs: readonly VariableMapping[];
  readonly outputs: readonly VariableMapping[];
}

export interface ExclusiveGatewayElement extends ElementBase {
  readonly kind: typeof ElementKind.EXCLUSIVE_GATEWAY;
  readonly defaultFlowId?: string;
}

export interface ParallelGatewayElement extends ElementBase {
  readonly kind: typeof ElementKind.PARALLEL_GATEWAY;
}

export interface BoundaryEventElement extends ElementBase {
  readonly kind: typeof ElementKind.BOUNDARY_EVENT;
  readonly attachedToId: string;
  /** The error code caught; undefined catches every BPMN error. */
  readonly errorCode?: string;
}

export type ExecutableElement =
  | StartEventElement
  | EndEventElement
  | JobWorkerElement
  | UserTaskElement
  | ScriptTaskElement
  | ExclusiveGatewayElement
  | ParallelGatewayElement
  | BoundaryEventElement;

/** Narrows ExecutableElement by kind: ElementOf<'userTask'> is UserTaskElement. */
export type ElementOf<K extends ElementKind> = ExecutableElement extends infer E
  ? E extends { kind: infer EK }
    ? K extends EK
      ? E
      : never
    : never
  : never;

export interface ExecutableProcess {
  readonly bpmnProcessId: string;
  readonly name?: string;
  readonly startEventId: string;
  readonly elements: ReadonlyMap<string, ExecutableElement>;
  /** Templates the process uses, for catalog usages. */
  readonly templates: readonly (TemplateRef & { elementId: string })[];
}
