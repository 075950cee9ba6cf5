/**
 * The dispatcher: drains a step's work queue through the element processors, turns failures into
 * incidents, propagates BPMN errors to boundary events, and completes the instance when no token is left.
 */
import type { BoundaryEventElement, ExecutableElement } from '../model/executable';
import { ElementKind } from '../model/executable';
import { EngineEventKind } from '../bus/protocol';
import { processorFor } from '../elements/registry';
import { raiseIncident } from '../behaviors/incident';
import { dropElement, enterElement } from '../behaviors/state-transition';
import { VariablesLimitError, type InstanceContext, type Work } from './instance-context';
import { IncidentType, InstanceStatus, type ElementInstance, type Variables } from './instance-state';
import { Intent } from './intents';

export async function drain(ctx: InstanceContext): Promise<void> {
  let work: Work | undefined;
  while ((work = ctx.work.shift())) {
    if (ctx.state.status !== InstanceStatus.ACTIVE) return;
    switch (work.kind) {
      case 'activate':
        await activate(ctx, ctx.element(work.elementId), work.flowId);
        break;
      case 'complete':
        await complete(ctx, work.elementInstanceKey, work.result);
        break;
      case 'throw':
        throwError(ctx, work.elementInstanceKey, work.errorCode, work.errorMessage, work.variables);
        break;
    }
  }
  completeInstanceIfDone(ctx);
}

async function activate(ctx: InstanceContext, element: ExecutableElement, flowId?: string): Promise<void> {
  const processor = processorFor(element);
  if (processor.onArrive && !processor.onArrive(ctx, element, flowId)) return;
  const instance = enterElement(ctx, element, flowId);
  await runActivation(ctx, element, instance);
}

/** Runs (or, when an incident is resolved, re-runs) an element's activation. */
export async function runActivation(ctx: InstanceContext, element: ExecutableElement, instance: ElementInstance): Promise<void> {
  const failure = await processorFor(element).onActivate(ctx, element, instance).catch(asVariablesFailure);
  if (failure) raiseIncident(ctx, instance, failure, 'activate');
}

/** A result that would outgrow the variables limit is an incident on the element that wrote it. */
function asVariablesFailure(error: unknown): VariablesLimitError['failure'] {
  if (error instanceof VariablesLimitError) return error.failure;
  throw error;
}

async function complete(ctx: InstanceContext, elementInstanceKey: string, result: Variables): Promise<void> {
  const instance = ctx.state.elements[elementInstanceKey];
  if (!instance) return; // left meanwhile (terminated by a caught error or a cancel)
  const element = ctx.element(instance.elementId);
  const failure = await processorFor(element).onComplete(ctx, element, instance, result).catch(asVariablesFailure);
  if (failure) raiseIncident(ctx, instance, failure, 'complete', { result });
}

/**
 * A BPMN error thrown by an element instance: an error boundary event on the element catches it (an exact
 * code match first, then a catch-all); nothing catching it is an incident.
 */
function throwError(ctx: InstanceContext, elementInstanceKey: string, code: string, message: string | undefined, variables: Variables): void {
  const instance = ctx.state.elements[elementInstanceKey];
  if (!instance) return;
  const element = ctx.element(instance.elementId);
  ctx.record(Intent.ERROR_THROWN, instance, { errorCode: code, errorMessage: message });
  const boundaries = element.boundaryEventIds
    .map((id) => ctx.element(id))
    .filter((candidate): candidate is BoundaryEventElement => candidate.kind === ElementKind.BOUNDARY_EVENT);
  const catcher = boundaries.find((b) => b.errorCode === code) ?? boundaries.find((b) => b.errorCode === undefined);
  if (!catcher) {
    raiseIncident(
      ctx,
      instance,
      {
        type: IncidentType.UNHANDLED_ERROR,
        message: `BPMN error '${code}'${message ? ` (${message})` : ''} thrown by '${element.id}' is not caught by any error boundary event`,
      },
      'activate',
    );
    return;
  }
  try {
    ctx.assertVariablesFit(variables);
  } catch (error) {
    raiseIncident(ctx, instance, asVariablesFailure(error), 'activate');
    return;
  }
  terminate(ctx, instance, `error '${code}' caught by '${catcher.id}'`);
  ctx.setVariables(variables);
  ctx.record(Intent.ERROR_CAUGHT, { key: instance.key, elementId: catcher.id }, { errorCode: code, errorMessage: message });
  ctx.work.push({ kind: 'activate', elementId: catcher.id });
}

/** Leaves an element instance without completing it: its processor withdraws what it waits for. */
export function terminate(ctx: InstanceContext, instance: ElementInstance, reason: string): void {
  const element = ctx.element(instance.elementId);
  processorFor(element).onTerminate(ctx, element, instance);
  if (instance.incidentKey) delete ctx.state.incidents[instance.incidentKey];
  dropElement(ctx, instance, reason);
}

function completeInstanceIfDone(ctx: InstanceContext): void {
  const { state } = ctx;
  if (state.status !== InstanceStatus.ACTIVE) return;
  if (Object.keys(state.elements).length > 0 || Object.keys(state.joins).length > 0) return;
  state.status = InstanceStatus.COMPLETED;
  state.endedAt = ctx.now;
  ctx.record(Intent.INSTANCE_COMPLETED);
  ctx.emit(EngineEventKind.INSTANCE_COMPLETED, { variables: state.variables });
}
