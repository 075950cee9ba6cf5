/** Records for store tests and the store benchmark. */
import type { HistoryRecord, InstanceState, InstanceStatus } from '../../engine/runtime/instance-state';
import type { DefinitionRecord, OutboxEntry } from '../../engine/store/store';

export function definition(bpmnProcessId: string, version: number, extra: Partial<DefinitionRecord> = {}): DefinitionRecord {
  return {
    key: `${bpmnProcessId}:${version}`,
    bpmnProcessId,
    name: `Process ${bpmnProcessId}`,
    version,
    hash: `hash-${bpmnProcessId}-${version}`,
    resourceName: `${bpmnProcessId}.bpmn`,
    xml: `<definitions id="${bpmnProcessId}"><process id="${bpmnProcessId}" /></definitions>`,
    deployedAt: 1_700_000_000_000 + version,
    templates: [{ id: 'io.baton.http', version: 2, elementId: 'Task_1' }],
    ...extra,
  };
}

/** An instance state of about 550 bytes of JSON, with one job and one element. */
export function instance(key: string, extra: Partial<InstanceState> = {}): InstanceState {
  const status: InstanceStatus = extra.status ?? 'ACTIVE';
  return {
    key,
    definitionKey: 'order:1',
    bpmnProcessId: 'order',
    version: 1,
    status,
    startedAt: 1_700_000_000_000,
    variables: { orderId: `o-${key}`, amount: 42.5, customer: { name: 'Ada Lovelace', tier: 'gold' } },
    headers: { 'baton-corr-order': `o-${key}` },
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    elements: {
      [`${key}-1`]: { key: `${key}-1`, elementId: 'Task_Charge', state: 'ACTIVE', activatedAt: 1_700_000_000_100, jobKey: `${key}-2` },
    },
    joins: {},
    jobs: {
      [`${key}-2`]: {
        key: `${key}-2`,
        elementInstanceKey: `${key}-1`,
        elementId: 'Task_Charge',
        type: 'payment:charge',
        state: 'ACTIVATABLE',
        retries: 3,
        attempt: 1,
        deadline: 1_700_000_300_000,
        variables: { amount: 42.5 },
        headers: { resultVariable: 'charge' },
      },
    },
    userTasks: {},
    incidents: {},
    nextSeq: 3,
    nextPosition: 2,
    ...extra,
  };
}

export function historyOf(instanceKey: string, position: number, extra: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    instanceKey,
    position,
    time: 1_700_000_000_000 + position,
    intent: position === 0 ? 'PROCESS_INSTANCE_STARTED' : 'ELEMENT_ACTIVATED',
    elementId: 'Task_Charge',
    elementInstanceKey: `${instanceKey}-1`,
    detail: { position, note: 'ü "quoted" \\ backslash' },
    ...extra,
  };
}

export function jobOutbox(id: string, instanceKey: string): OutboxEntry {
  return {
    id,
    message: {
      kind: 'job',
      attempt: 1,
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      job: {
        protocol: 1,
        jobKey: `${instanceKey}-2`,
        type: 'payment:charge',
        processInstanceKey: instanceKey,
        elementInstanceKey: `${instanceKey}-1`,
        elementId: 'Task_Charge',
        bpmnProcessId: 'order',
        processDefinitionKey: 'order:1',
        retries: 3,
        deadline: 1_700_000_300_000,
        customHeaders: { resultVariable: 'charge' },
        variables: { amount: 42.5 },
      },
    },
  };
}
