/**
 * One executable bpmn:Process into an ExecutableProcess: refuses unsupported elements, builds the
 * sequence flows (conditions only out of exclusive gateways), checks the structure (one none start event,
 * incoming and outgoing flows where they are needed) and runs each element kind's compiler.
 */
import type { SequenceFlow as ExecutableFlow } from './executable';
import { ElementKind, type ExecutableElement, type ExecutableProcess, type TemplateRef } from './executable';
import { describe, type CompileContext } from './compile-context';
import { compilerFor } from './compilers';
import { attr, child, list, type ModdleElement } from './moddle';
import { DeployProblem, DeployWarning } from './problem-codes';

/** Elements without execution semantics that Baton accepts and ignores (lanes and artifacts live elsewhere). */
const IGNORED = new Set(['bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);

export async function compileProcess(process: ModdleElement, context: CompileContext): Promise<ExecutableProcess | undefined> {
  const problemsBefore = context.problems.length;
  const flowElements = list(process, 'flowElements');
  const flows = flowElements.filter((element) => element.$type === 'bpmn:SequenceFlow');
  const nodes = new Map<string, ModdleElement>();
  for (const element of flowElements) {
    if (element.$type === 'bpmn:SequenceFlow' || !element.id) continue;
    if (IGNORED.has(element.$type)) {
      context.warning(DeployWarning.ELEMENT_IGNORED, element, `${describe(element)} has no effect in Baton and is ignored`);
      continue;
    }
    nodes.set(element.id, element);
  }

  const supported = new Map<string, ModdleElement>();
  for (const [id, node] of nodes) {
    if (!compilerFor(node.$type)) {
      context.problem(
        DeployProblem.ELEMENT_UNSUPPORTED,
        node,
        `${describe(node)} is not supported by Baton yet: remove it or model the step with a supported element (service, send, user or script task, exclusive or parallel gateway, none or error events)`,
      );
    } else if (child(node, 'loopCharacteristics')) {
      context.problem(
        DeployProblem.ELEMENT_UNSUPPORTED,
        node,
        `${describe(node)} has ${child(node, 'loopCharacteristics')?.$type} (a loop or multi-instance marker), which Baton does not support yet: remove the marker`,
      );
    } else {
      supported.set(id, node);
    }
  }

  const outgoing = new Map<string, ExecutableFlow[]>();
  const incoming = new Map<string, string[]>();
  for (const flow of flows) {
    const compiled = compileFlow(flow, nodes, context);
    if (!compiled) continue;
    outgoing.set(compiled.sourceId, [...(outgoing.get(compiled.sourceId) ?? []), compiled]);
    incoming.set(compiled.targetId, [...(incoming.get(compiled.targetId) ?? []), compiled.id]);
  }
  const boundaries = new Map<string, string[]>();
  for (const node of supported.values()) {
    const host = child(node, 'attachedToRef')?.id;
    if (node.$type === 'bpmn:BoundaryEvent' && host) boundaries.set(host, [...(boundaries.get(host) ?? []), node.id as string]);
  }

  checkStructure(process, supported, nodes, incoming, outgoing, boundaries, context);

  const elements = new Map<string, ExecutableElement>();
  const templates: (TemplateRef & { elementId: string })[] = [];
  for (const [id, node] of supported) {
    const registration = compilerFor(node.$type);
    if (!registration) continue;
    const base = {
      id,
      ...(attr(node, 'name') !== undefined && { name: attr(node, 'name') }),
      incoming: incoming.get(id) ?? [],
      outgoing: outgoing.get(id) ?? [],
      boundaryEventIds: boundaries.get(id) ?? [],
      ...(context.parsed.lineOf(id) !== undefined && { line: context.parsed.lineOf(id) }),
    };
    const element = await registration.compile(node, base, context);
    if (!element) continue;
    elements.set(id, element);
    if ('template' in element && element.template) templates.push({ ...element.template, elementId: id });
  }

  const startEvents = [...elements.values()].filter((element) => element.kind === ElementKind.START_EVENT);
  if (context.problems.length > problemsBefore || startEvents.length !== 1) return undefined;
  return {
    bpmnProcessId: process.id as string,
    ...(attr(process, 'name') !== undefined && { name: attr(process, 'name') }),
    startEventId: startEvents[0].id,
    elements,
    templates,
  };
}

function compileFlow(flow: ModdleElement, nodes: Map<string, ModdleElement>, context: CompileContext): ExecutableFlow | undefined {
  const source = child(flow, 'sourceRef');
  const target = child(flow, 'targetRef');
  // A broken reference was reported by the parser already.
  if (!flow.id || !source?.id || !target?.id) return undefined;
  if (!nodes.has(source.id) || !nodes.has(target.id)) {
    context.problem(
      DeployProblem.FLOW_INVALID,
      flow,
      `${describe(flow)} connects '${source.id}' to '${target.id}', but both must be flow elements of the same process: reconnect it`,
    );
    return undefined;
  }
  const base = { id: flow.id, sourceId: source.id, targetId: target.id };
  const body = conditionBody(flow);
  if (body === undefined) return base;
  if (source.$type !== 'bpmn:ExclusiveGateway') {
    context.warning(
      DeployWarning.CONDITION_IGNORED,
      flow,
      `${describe(flow)} has a condition but does not leave an exclusive gateway, so Baton ignores it: remove the condition or route the flow through an exclusive gateway`,
    );
    return base;
  }
  if (child(source, 'default')?.id === flow.id) {
    context.warning(
      DeployWarning.CONDITION_IGNORED,
      flow,
      `${describe(flow)} is the default flow of ${describe(source)} and has a condition, which is ignored: remove the condition`,
    );
    return base;
  }
  const condition = context.expression(body, flow, 'the condition');
  return condition ? { ...base, condition } : base;
}

/** The JSONata body of a flow's conditionExpression, with or without a leading `=`; undefined when empty. */
function conditionBody(flow: ModdleElement): string | undefined {
  const expression = child(flow, 'conditionExpression');
  const text = typeof expression?.body === 'string' ? expression.body.trim() : '';
  const body = text.startsWith('=') ? text.slice(1).trim() : text;
  return body === '' ? undefined : body;
}

function checkStructure(
  process: ModdleElement,
  supported: Map<string, ModdleElement>,
  nodes: Map<string, ModdleElement>,
  incoming: Map<string, string[]>,
  outgoing: Map<string, ExecutableFlow[]>,
  boundaries: Map<string, string[]>,
  context: CompileContext,
): void {
  const noneStarts = [...nodes.values()].filter((node) => node.$type === 'bpmn:StartEvent' && list(node, 'eventDefinitions').length === 0);
  if (noneStarts.length === 0) {
    context.problem(
      DeployProblem.START_EVENT_MISSING,
      process,
      `${describe(process)} has no none start event: add a start event without an event definition`,
    );
  } else if (noneStarts.length > 1) {
    context.problem(
      DeployProblem.START_EVENT_AMBIGUOUS,
      process,
      `${describe(process)} has ${noneStarts.length} none start events (${noneStarts.map((s) => `'${s.id}'`).join(', ')}): keep exactly one`,
    );
  }

  for (const [id, node] of supported) {
    const into = incoming.get(id) ?? [];
    const out = outgoing.get(id) ?? [];
    const type = node.$type;
    if (type === 'bpmn:StartEvent' || type === 'bpmn:BoundaryEvent') {
      if (into.length > 0) {
        context.problem(DeployProblem.FLOW_INVALID, node, `${describe(node)} has incoming sequence flows, which it cannot have: remove them`);
      }
      if (type === 'bpmn:StartEvent' && out.length === 0) {
        context.warning(DeployWarning.START_EVENT_WITHOUT_OUTGOING, node, `${describe(node)} has no outgoing sequence flow: the process ends as soon as it starts`);
      }
    } else if (into.length === 0) {
      context.problem(
        DeployProblem.FLOW_MISSING,
        node,
        `${describe(node)} has no incoming sequence flow, so it can never be reached: connect a sequence flow to it or remove it`,
      );
    }
    if (type === 'bpmn:EndEvent' && out.length > 0) {
      context.problem(DeployProblem.FLOW_INVALID, node, `${describe(node)} has outgoing sequence flows, which an end event cannot have: remove them`);
    }
    if ((type === 'bpmn:ExclusiveGateway' || type === 'bpmn:ParallelGateway') && out.length === 0) {
      context.problem(
        DeployProblem.FLOW_MISSING,
        node,
        `${describe(node)} has no outgoing sequence flow: connect at least one flow out of it`,
      );
    }
    if (type === 'bpmn:ExclusiveGateway') checkExclusiveGateway(node, out, context);
    if (type === 'bpmn:BoundaryEvent') checkAttachment(node, supported, context);
  }
  void boundaries;
}

function checkExclusiveGateway(node: ModdleElement, out: ExecutableFlow[], context: CompileContext): void {
  const defaultFlow = child(node, 'default');
  if (defaultFlow?.id && !out.some((flow) => flow.id === defaultFlow.id)) {
    context.problem(
      DeployProblem.FLOW_INVALID,
      node,
      `${describe(node)} names '${defaultFlow.id}' as its default flow, but that flow does not leave the gateway: pick one of its outgoing flows`,
    );
  }
  if (out.length < 2) return;
  for (const flow of out) {
    const flowElement = context.parsed.elementsById[flow.id];
    if (flow.id !== defaultFlow?.id && flow.condition === undefined && conditionBody(flowElement) === undefined) {
      context.problem(
        DeployProblem.CONDITION_MISSING,
        flowElement,
        `${describe(flowElement)} leaves ${describe(node)} without a condition and is not its default flow: add a JSONata condition or make it the default flow`,
      );
    }
  }
  if (!defaultFlow) {
    context.warning(
      DeployWarning.GATEWAY_WITHOUT_DEFAULT,
      node,
      `${describe(node)} has no default flow: when no condition holds, the instance stops with an incident`,
    );
  }
}

const ATTACHABLE = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:UserTask', 'bpmn:ScriptTask']);

function checkAttachment(node: ModdleElement, supported: Map<string, ModdleElement>, context: CompileContext): void {
  const host = child(node, 'attachedToRef');
  if (!host?.id) return;
  if (!supported.has(host.id) || !ATTACHABLE.has(host.$type)) {
    context.problem(
      DeployProblem.BOUNDARY_INVALID,
      node,
      `${describe(node)} is attached to ${describe(host)}, which is not a supported task of this process: attach it to a service, send, user or script task`,
    );
  }
}
