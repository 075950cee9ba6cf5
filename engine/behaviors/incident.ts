/** Incidents: a failure that needs a person. The element waits until the incident is resolved. */
import { EngineEventKind } from '../bus/protocol';
import type { Failure } from '../elements/element-processor';
import type { InstanceContext } from '../runtime/instance-context';
import type { ElementInstance, IncidentRecord, ResumePoint, Variables } from '../runtime/instance-state';
import { Intent } from '../runtime/intents';

export function raiseIncident(
  ctx: InstanceContext,
  instance: ElementInstance,
  failure: Failure,
  resume: ResumePoint,
  extra: { jobKey?: string; result?: Variables } = {},
): IncidentRecord {
  const incident: IncidentRecord = {
    key: ctx.nextKey(),
    type: failure.type,
    message: failure.message,
    elementId: instance.elementId,
    elementInstanceKey: instance.key,
    createdAt: ctx.now,
    resume,
    ...extra,
  };
  ctx.state.incidents[incident.key] = incident;
  instance.incidentKey = incident.key;
  ctx.record(Intent.INCIDENT_CREATED, instance, { incidentKey: incident.key, type: incident.type, message: incident.message });
  ctx.emit(EngineEventKind.INSTANCE_INCIDENT, { incidentKey: incident.key, elementId: incident.elementId, type: incident.type, message: incident.message });
  return incident;
}

export function clearIncident(ctx: InstanceContext, incident: IncidentRecord): void {
  delete ctx.state.incidents[incident.key];
  const instance = ctx.state.elements[incident.elementInstanceKey];
  if (instance) delete instance.incidentKey;
  ctx.record(Intent.INCIDENT_RESOLVED, { key: incident.elementInstanceKey, elementId: incident.elementId }, { incidentKey: incident.key });
}
