/** The OpenAPI 3.1 document, built from the request schemas so it cannot drift from validation. */
import { requestSchemas } from './schemas';

const problem = { description: 'A JSON problem body', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const body = (name: keyof typeof requestSchemas) => ({
  required: false,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
});
const key = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });

export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Baton', version, description: 'BPMN orchestration engine with an element-template integration catalog' },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ...requestSchemas,
        Problem: {
          type: 'object',
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string' },
            problems: { type: 'array', items: { type: 'object' } },
          },
        },
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/api/deployments': {
        post: {
          summary: 'Deploy BPMN (raw XML or multipart files); identical XML makes no new version',
          requestBody: {
            required: true,
            content: {
              'application/xml': { schema: { type: 'string' } },
              'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } },
            },
          },
          responses: { 201: json('New definitions'), 200: json('Nothing new: identical XML'), 400: problem, 413: problem, 415: problem },
        },
      },
      '/api/definitions': { get: { summary: 'List definitions', responses: { 200: json('Definitions') } } },
      '/api/definitions/{key}': { get: { summary: 'One definition', parameters: [key('key')], responses: { 200: json('Definition'), 404: problem } } },
      '/api/definitions/{key}/xml': { get: { summary: 'Its BPMN XML', parameters: [key('key')], responses: { 200: { description: 'XML' }, 404: problem } } },
      '/api/instances': {
        post: { summary: 'Start an instance', requestBody: body('StartInstance'), responses: { 201: json('Started'), 400: problem, 404: problem, 415: problem } },
        get: {
          summary: 'List instances',
          parameters: ['status', 'bpmnProcessId', 'definitionKey', 'limit', 'offset'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
          responses: { 200: json('Instances'), 400: problem },
        },
      },
      '/api/instances/{key}': { get: { summary: 'State and history of an instance', parameters: [key('key')], responses: { 200: json('Instance'), 404: problem } } },
      '/api/instances/{key}/history': { get: { summary: 'Ordered history', parameters: [key('key')], responses: { 200: json('History'), 404: problem } } },
      '/api/instances/{key}/cancel': { post: { summary: 'Cancel', parameters: [key('key')], responses: { 204: { description: 'Canceled' }, 404: problem, 409: problem } } },
      '/api/instances/{key}/variables': {
        post: { summary: 'Set variables', parameters: [key('key')], requestBody: body('Variables'), responses: { 204: { description: 'Set' }, 400: problem, 404: problem, 409: problem } },
      },
      '/api/user-tasks': { get: { summary: 'Open user tasks', responses: { 200: json('User tasks') } } },
      '/api/user-tasks/{key}/complete': {
        post: { summary: 'Complete a user task', parameters: [key('key')], requestBody: body('Variables'), responses: { 204: { description: 'Completed' }, 400: problem, 404: problem } },
      },
      '/api/incidents': { get: { summary: 'Open incidents', responses: { 200: json('Incidents') } } },
      '/api/incidents/{key}/resolve': {
        post: { summary: 'Resolve an incident', parameters: [key('key')], requestBody: body('ResolveIncident'), responses: { 204: { description: 'Resolved' }, 400: problem, 404: problem } },
      },
      '/api/catalog/templates': {
        get: {
          summary: 'Latest version of every template in the catalog, filtered',
          parameters: ['category', 'keyword', 'taskType', 'q'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
          responses: { 200: json('Templates') },
        },
        post: {
          summary: 'Publish a template version (admin, or a team key within its namespaces); checked against the official schema and Baton\'s rules',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
          responses: { 201: json('Published'), 200: json('The same content was published before'), 400: problem, 401: problem, 403: problem, 409: problem },
        },
      },
      '/api/catalog/templates/{id}/versions': { get: { summary: 'Every version of a template, highest first', parameters: [key('id')], responses: { 200: json('Templates'), 404: problem } } },
      '/api/catalog/templates/{id}/versions/{version}': { get: { summary: 'One template version', parameters: [key('id'), key('version')], responses: { 200: json('Template'), 404: problem } } },
      '/api/catalog/templates/{id}/versions/{version}/deprecate': {
        post: { summary: 'Deprecate a version: it still runs; deployments using it get a warning', parameters: [key('id'), key('version')], requestBody: body('DeprecateVersion'), responses: { 200: json('Template'), 400: problem, 401: problem, 403: problem, 404: problem, 409: problem } },
      },
      '/api/catalog/templates/{id}/versions/{version}/withdraw': {
        post: { summary: 'Withdraw a version: new deployments using it are refused', parameters: [key('id'), key('version')], requestBody: body('WithdrawVersion'), responses: { 200: json('Template'), 400: problem, 401: problem, 403: problem, 404: problem } },
      },
      '/api/catalog/templates/{id}/usages': { get: { summary: 'Deployed definitions using each version, with their running instance counts', parameters: [key('id')], responses: { 200: json('Usages') } } },
      '/api/catalog/modeler-templates': { get: { summary: "The modeler's list: latest versions plus older versions deployed definitions use", responses: { 200: json('Templates') } } },
      '/api/keys': {
        post: { summary: 'Create an API key (admin); the key is in this answer only', requestBody: body('CreateKey'), responses: { 201: json('The key'), 400: problem, 401: problem, 403: problem } },
        get: { summary: 'API keys without their hashes (admin)', responses: { 200: json('Keys'), 401: problem, 403: problem } },
      },
      '/api/keys/{id}': { delete: { summary: 'Revoke an API key (admin)', parameters: [key('id')], responses: { 204: { description: 'Revoked' }, 401: problem, 403: problem, 404: problem } } },
      '/health': { get: { summary: 'Database and bus health', security: [], responses: { 200: json('Up'), 503: json('Down') } } },
      '/openapi.json': { get: { summary: 'This document', security: [], responses: { 200: json('OpenAPI') } } },
    },
  };
}
