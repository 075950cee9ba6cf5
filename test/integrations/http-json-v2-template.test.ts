import template from '../../element-templates/http-json/io.baton.http.json-2.json';
import v1 from '../../element-templates/http-json/io.baton.http.json-1.json';
import { compileContract } from '../../catalog/contract-schema';
import { compileExpression } from '../../engine/mapping/jsonata-guard';
import { AUTHENTICATION_TYPES, CLIENT_AUTHENTICATIONS, HTTP_JSON_V2_TASK_TYPE } from '../../integrations/http-json';

type Property = { id?: string; type?: string; value?: unknown; feel?: string; binding: Record<string, string>; choices?: { value: string }[]; condition?: { property: string; equals?: string } };
const properties = template.properties as unknown as Property[];
const byId = (id: string) => properties.find((p) => p.id === id);

describe('element template io.baton.http.json v2', () => {
  it('is version 2 of the same template, served by io.baton.http.json:2', () => {
    expect(template).toMatchObject({ id: v1.id, version: 2 });
    expect(properties.find((p) => p.binding.property === 'type')).toMatchObject({ type: 'Hidden', value: HTTP_JSON_V2_TASK_TYPE });
  });

  it("keeps v1's inputs and headers", () => {
    for (const p of v1.properties as unknown as Property[]) {
      if (p.id) expect(byId(p.id)?.binding).toEqual(p.binding);
    }
  });

  it('offers the authentication types the service knows; credentials show only for their type', () => {
    expect(byId('authentication.type')?.choices?.map((c) => c.value)).toEqual([...AUTHENTICATION_TYPES]);
    expect(byId('authentication.clientAuthentication')?.choices?.map((c) => c.value)).toEqual([...CLIENT_AUTHENTICATIONS]);
    expect(byId('authentication.password')?.condition).toEqual({ property: 'authentication.type', equals: 'basic' });
    expect(byId('authentication.token')?.condition).toEqual({ property: 'authentication.type', equals: 'bearer' });
    for (const id of ['oauthTokenEndpoint', 'clientId', 'clientSecret', 'scopes', 'audience']) {
      expect(byId(`authentication.${id}`)).toMatchObject({ binding: { type: 'zeebe:input', name: `authentication.${id}` }, condition: { equals: 'oauth-client-credentials' } });
    }
    for (const p of properties) expect(p.feel).toBeUndefined();
  });

  it('has a default errorExpression mapping 404 to NOT_FOUND and other 4xx to HTTP_<status>', async () => {
    const expression = compileExpression(String(byId('errorExpression')?.value).slice(1));
    expect(await expression.evaluate({ status: 200, headers: {}, body: {} })).toBeUndefined();
    expect(await expression.evaluate({ status: 404, headers: {}, body: null })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await expression.evaluate({ status: 422, headers: {}, body: { message: 'bad id' } })).toEqual({ code: 'HTTP_422', message: 'The endpoint answered 422: bad id' });
    expect(await expression.evaluate({ status: 503, headers: {}, body: 'down' })).toBeUndefined();
  });

  it('carries an input contract requiring the credentials of the chosen type, and a result contract', () => {
    const input = compileContract(template.metadata.inputSchema);
    expect(input({ method: 'GET', url: 'https://x.test', timeout: '20', authentication: { type: 'none' } })).toEqual([]);
    expect(input({ url: 'https://x.test', headers: null, authentication: { type: 'basic', username: 'ada', password: 'p' } })).toEqual([]);
    expect(input({ url: 'https://x.test', authentication: { type: 'oauth-client-credentials', oauthTokenEndpoint: 'https://t.test', clientId: 'c', clientSecret: null } }).map((p) => p.pointer)).toContain('/authentication/clientSecret');
    expect(input({ url: 'https://x.test', authentication: { type: 'bearer' } }).map((p) => p.pointer)).toContain('/authentication/token');
    const result = compileContract(template.metadata.resultSchema);
    expect(result({ status: 200, headers: {}, body: null })).toEqual([]);
    expect(result({ headers: {} })).not.toEqual([]);
  });
});
