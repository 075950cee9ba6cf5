/** A one-task BPMN process modelled from a template, for end-to-end tests of the reference services. */
export function oneTaskProcess(options: {
  processId: string;
  templateId: string;
  version: number;
  taskType: string;
  kind?: 'serviceTask' | 'sendTask';
  inputs: Record<string, string>;
  headers?: Record<string, string>;
}): string {
  const kind = options.kind ?? 'serviceTask';
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const inputs = Object.entries(options.inputs).map(([target, source]) => `<zeebe:input source="${esc(source)}" target="${target}" />`).join('');
  const headers = Object.entries(options.headers ?? {}).map(([key, value]) => `<zeebe:header key="${key}" value="${esc(value)}" />`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d-${options.processId}" targetNamespace="http://baton.dev/test">
  <bpmn:process id="${options.processId}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:${kind} id="task" zeebe:modelerTemplate="${options.templateId}" zeebe:modelerTemplateVersion="${options.version}">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="${options.taskType}" retries="1" />
        <zeebe:ioMapping>${inputs}</zeebe:ioMapping>
        <zeebe:taskHeaders>${headers}</zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:${kind}>
    <bpmn:boundaryEvent id="failed" attachedToRef="task"><bpmn:outgoing>f3</bpmn:outgoing><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="error-end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="failed" targetRef="error-end" />
  </bpmn:process>
</bpmn:definitions>
`;
}
