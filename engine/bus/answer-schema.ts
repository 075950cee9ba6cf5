/** The JSON Schema of a job answer as it arrives from the bus; anything else is logged and dropped. */
import type { JSONSchemaType } from 'ajv';
import { ajv } from '../validation/ajv';
import { AnswerKind, PROTOCOL_VERSION, type JobAnswer } from './protocol';

const variables = { type: 'object', additionalProperties: true, required: [] } as const;

const answerSchema = {
  oneOf: [
    {
      type: 'object',
      properties: {
        protocol: { type: 'integer', const: PROTOCOL_VERSION },
        kind: { type: 'string', const: AnswerKind.COMPLETE },
        jobKey: { type: 'string', minLength: 1 },
        variables,
      },
      required: ['protocol', 'kind', 'jobKey', 'variables'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        protocol: { type: 'integer', const: PROTOCOL_VERSION },
        kind: { type: 'string', const: AnswerKind.FAIL },
        jobKey: { type: 'string', minLength: 1 },
        retries: { type: 'integer', minimum: 0 },
        retryBackoffMs: { type: 'integer', minimum: 0, nullable: true },
        errorMessage: { type: 'string' },
      },
      required: ['protocol', 'kind', 'jobKey', 'retries', 'errorMessage'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        protocol: { type: 'integer', const: PROTOCOL_VERSION },
        kind: { type: 'string', const: AnswerKind.ERROR },
        jobKey: { type: 'string', minLength: 1 },
        errorCode: { type: 'string', minLength: 1 },
        errorMessage: { type: 'string', nullable: true },
        variables: { ...variables, nullable: true },
      },
      required: ['protocol', 'kind', 'jobKey', 'errorCode'],
      additionalProperties: false,
    },
  ],
} as unknown as JSONSchemaType<JobAnswer>;

export const validateAnswer = ajv.compile<JobAnswer>(answerSchema);
