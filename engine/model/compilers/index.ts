/**
 * The registry: which BPMN type each executable kind compiles from, and its compiler. Typed by ElementKind,
 * so a kind added to executable.ts without compile rules fails to compile here.
 */
import { ElementKind } from '../executable';
import { compileBoundaryEvent } from './boundary-event';
import type { ElementCompiler } from './element-compiler';
import { compileEndEvent } from './end-event';
import { compileExclusiveGateway } from './exclusive-gateway';
import { jobWorkerCompiler } from './job-worker-task';
import { compileParallelGateway } from './parallel-gateway';
import { compileScriptTask } from './script-task';
import { compileStartEvent } from './start-event';
import { compileUserTask } from './user-task';

interface Registration<K extends ElementKind> {
  readonly bpmnType: string;
  readonly compile: ElementCompiler<K>;
}

export const compilers: { readonly [K in ElementKind]: Registration<K> } = {
  [ElementKind.START_EVENT]: { bpmnType: 'bpmn:StartEvent', compile: compileStartEvent },
  [ElementKind.END_EVENT]: { bpmnType: 'bpmn:EndEvent', compile: compileEndEvent },
  [ElementKind.SERVICE_TASK]: { bpmnType: 'bpmn:ServiceTask', compile: jobWorkerCompiler(ElementKind.SERVICE_TASK) as ElementCompiler<'serviceTask'> },
  [ElementKind.SEND_TASK]: { bpmnType: 'bpmn:SendTask', compile: jobWorkerCompiler(ElementKind.SEND_TASK) as ElementCompiler<'sendTask'> },
  [ElementKind.USER_TASK]: { bpmnType: 'bpmn:UserTask', compile: compileUserTask },
  [ElementKind.SCRIPT_TASK]: { bpmnType: 'bpmn:ScriptTask', compile: compileScriptTask },
  [ElementKind.EXCLUSIVE_GATEWAY]: { bpmnType: 'bpmn:ExclusiveGateway', compile: compileExclusiveGateway },
  [ElementKind.PARALLEL_GATEWAY]: { bpmnType: 'bpmn:ParallelGateway', compile: compileParallelGateway },
  [ElementKind.BOUNDARY_EVENT]: { bpmnType: 'bpmn:BoundaryEvent', compile: compileBoundaryEvent },
};

const byBpmnType = new Map<string, { kind: ElementKind; compile: ElementCompiler }>(
  Object.entries(compilers).map(([kind, registration]) => [
    registration.bpmnType,
    { kind: kind as ElementKind, compile: registration.compile as ElementCompiler },
  ]),
);

/** The kind and compiler for a BPMN type, undefined for a type Baton does not support. */
export function compilerFor(bpmnType: string): { kind: ElementKind; compile: ElementCompiler } | undefined {
  return byBpmnType.get(bpmnType);
}
