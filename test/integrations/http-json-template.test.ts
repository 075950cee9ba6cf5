import Ajv from 'ajv';
import schema from '@camunda/zeebe-element-templates-json-schema/resources/schema.json';
import template from '../../element-templates/http-json/io.baton.http.json-1.json';
import { HTTP_JSON_TASK_TYPE, HTTP_METHODS } from '../../integrations/http-json';

const validate = new Ajv({ strict: false, $data: true, allErrors: true }).compile(schema);
type Property = { id?: string; type?: string; value?: unknown; optional?: boolean; feel?: string; binding: Record<string, string>; choices?: { value: string }[]; constraints?: { notEmpty?: boolean } };
const properties = template.properties as unknown as Property[];
const byBinding = (type: string, key: string, value: string) => properties.find((p) => p.binding.type === type && p.binding[key] === value);

describe('element template io.baton.http.json v1', () => {
  it('validates against the Camunda Zeebe element-template JSON Schema', () => {
    const ok = validate(template);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is not validated vacuously: the schema rejects a broken copy', () => {
    const broken = structuredClone(template) as unknown as { properties: Property[] };
    delete broken.properties.find((p) => p.id === 'method')!.choices;
    expect(validate(broken)).toBe(false);
  });

  it('names the task type the service serves, with 3 retries', () => {
    expect(template).toMatchObject({ id: 'io.baton.http.json', version: 1, appliesTo: ['bpmn:Task'], elementType: { value: 'bpmn:ServiceTask' } });
    expect(byBinding('zeebe:taskDefinition', 'property', 'type')).toMatchObject({ type: 'Hidden', value: HTTP_JSON_TASK_TYPE });
    expect(byBinding('zeebe:taskDefinition', 'property', 'retries')).toMatchObject({ type: 'Hidden', value: '3' });
  });

  it('maps method, url, headers and body as inputs; JSONata ones are Text without feel', () => {
    expect(byBinding('zeebe:input', 'name', 'method')?.choices?.map((c) => c.value)).toEqual([...HTTP_METHODS]);
    expect(byBinding('zeebe:input', 'name', 'url')).toMatchObject({ type: 'String', constraints: { notEmpty: true } });
    for (const name of ['headers', 'body']) expect(byBinding('zeebe:input', 'name', name)).toMatchObject({ type: 'Text', optional: true });
    for (const p of properties) expect(p.feel).toBeUndefined();
  });

  it('carries the connector task headers with their defaults', () => {
    for (const key of ['resultVariable', 'resultExpression', 'errorExpression']) expect(byBinding('zeebe:taskHeader', 'key', key)).toMatchObject({ optional: true });
    expect(byBinding('zeebe:taskHeader', 'key', 'resultExpression')?.type).toBe('Text');
    expect(byBinding('zeebe:taskHeader', 'key', 'errorExpression')?.type).toBe('Text');
    expect(byBinding('zeebe:taskHeader', 'key', 'retryBackoff')?.value).toBe('PT5S');
    expect(byBinding('zeebe:taskHeader', 'key', 'jobTimeout')?.value).toBe('PT30S');
  });
});
