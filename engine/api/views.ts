/** What the API shows of engine state: times as ISO 8601, records flattened for reading. */
import type { DefinitionRecord, InstanceSummary } from '../store/store';
import type { HistoryRecord, InstanceState } from '../runtime/instance-state';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export function definitionView(record: DefinitionRecord) {
  return {
    key: record.key,
    bpmnProcessId: record.bpmnProcessId,
    name: record.name,
    version: record.version,
    resourceName: record.resourceName,
    deployedAt: iso(record.deployedAt),
    templates: record.templates,
  };
}

export function instanceSummaryView(summary: InstanceSummary) {
  return { ...summary, startedAt: iso(summary.startedAt), endedAt: iso(summary.endedAt) };
}

export function historyView(record: HistoryRecord) {
  const { instanceKey: _instanceKey, ...rest } = record;
  return { ...rest, time: iso(record.time) };
}

export function instanceView(state: InstanceState, history: HistoryRecord[]) {
  return {
    key: state.key,
    definitionKey: state.definitionKey,
    bpmnProcessId: state.bpmnProcessId,
    version: state.version,
    status: state.status,
    startedAt: iso(state.startedAt),
    endedAt: iso(state.endedAt),
    variables: state.variables,
    activeElements: Object.values(state.elements).map((element) => ({
      ...element,
      activatedAt: iso(element.activatedAt),
    })),
    jobs: Object.values(state.jobs).map((job) => ({
      key: job.key,
      elementId: job.elementId,
      type: job.type,
      state: job.state,
      retries: job.retries,
      attempt: job.attempt,
      deadline: iso(job.deadline),
      retryAt: iso(job.retryAt),
      errorMessage: job.errorMessage,
    })),
    userTasks: Object.values(state.userTasks).map((task) => ({ ...task, createdAt: iso(task.createdAt) })),
    incidents: Object.values(state.incidents).map(({ result: _result, ...incident }) => ({ ...incident, createdAt: iso(incident.createdAt) })),
    history: history.map(historyView),
  };
}
