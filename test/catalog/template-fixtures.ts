/** Element templates for catalog tests, valid under the official schema unless a test breaks them. */
import type { ElementTemplate } from '../../catalog/element-template';

export function greetTemplate(id: string, version: number, extra: Partial<ElementTemplate> = {}): ElementTemplate {
  return {
    $schema: 'https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json',
    id,
    name: `Greet (${id})`,
    version,
    description: 'Greets someone',
    category: { id: 'test', name: 'Test' },
    keywords: ['greeting', 'hello'],
    appliesTo: ['bpmn:Task'],
    elementType: { value: 'bpmn:ServiceTask' },
    properties: [
      { type: 'Hidden', value: `${id.replace(/[^A-Za-z0-9_.-]/g, '_')}:${version}`, binding: { type: 'zeebe:taskDefinition', property: 'type' } },
      { id: 'name', label: 'Name', type: 'String', constraints: { notEmpty: true }, binding: { type: 'zeebe:input', name: 'name' } },
      { id: 'resultVariable', label: 'Result variable', type: 'String', optional: true, binding: { type: 'zeebe:taskHeader', key: 'resultVariable' } },
    ],
    ...extra,
  };
}

/** A BPMN process with one service task modelled from a template version. */
export function templatedProcess(processId: string, templateId: string, version: number, taskType: string, nameSource = '=who'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d-${processId}" targetNamespace="http://baton.dev/test">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="greet" name="Greet" zeebe:modelerTemplate="${templateId}" zeebe:modelerTemplateVersion="${version}">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="${taskType}" />
        <zeebe:ioMapping><zeebe:input source="${nameSource}" target="name" /></zeebe:ioMapping>
        <zeebe:taskHeaders><zeebe:header key="resultVariable" value="greeting" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="greet" />
    <bpmn:sequenceFlow id="f2" sourceRef="greet" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
`;
}
