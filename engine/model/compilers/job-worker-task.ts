/**
 * bpmn:ServiceTask and bpmn:SendTask: both become a job on the bus. Reads zeebe:taskDefinition,
 * zeebe:ioMapping, zeebe:taskHeaders (with the connector headers) and the element template reference.
 */
import { TASK_TYPE_PATTERN } from '../../bus/protocol';
import { describe, type CompileContext, type ElementBaseFields } from '../compile-context';
import { ElementKind, type JobWorkerElement } from '../executable';
import { attr, extension, list, type ModdleElement } from '../moddle';
import { DeployProblem } from '../problem-codes';
import { compileMappings } from './io-mapping';
import { checkTemplate } from './template-check';
import { compileContract, type ContractCheck } from '../../../catalog/contract-schema';
import type { TemplateRef } from '../executable';

/** Retries when zeebe:taskDefinition sets none (Zeebe's default). */
export const DEFAULT_RETRIES = 3;
/**
 * Back-off between attempts when the task has no retryBackoff header: PT0S, as in Camunda's connectors,
 * so an attempt is offered again at once; a worker that wants a pause sends one with its fail answer.
 */
export const DEFAULT_RETRY_BACKOFF = 'PT0S';
/** How long a worker may hold a job before the engine offers it again. */
export const DEFAULT_JOB_TIMEOUT = 'PT5M';

export const Headers = {
  RESULT_VARIABLE: 'resultVariable',
  RESULT_EXPRESSION: 'resultExpression',
  ERROR_EXPRESSION: 'errorExpression',
  RETRY_BACKOFF: 'retryBackoff',
  JOB_TIMEOUT: 'jobTimeout',
} as const;

type JobWorkerKind = typeof ElementKind.SERVICE_TASK | typeof ElementKind.SEND_TASK;

export function jobWorkerCompiler(kind: JobWorkerKind) {
  return async (node: ModdleElement, base: ElementBaseFields, context: CompileContext): Promise<JobWorkerElement | undefined> => {
    const problemsBefore = context.problems.length;
    const definition = extension(node, 'zeebe:TaskDefinition');
    const taskType = readTaskType(node, definition, context);
    const retries = readRetries(node, definition, context);
    const { inputs, outputs } = compileMappings(node, context);
    const headers = readHeaders(node);

    const resultVariable = headers[Headers.RESULT_VARIABLE];
    const resultExpression = optionalExpression(headers[Headers.RESULT_EXPRESSION], node, context, `the ${Headers.RESULT_EXPRESSION} header`);
    const errorExpression = optionalExpression(headers[Headers.ERROR_EXPRESSION], node, context, `the ${Headers.ERROR_EXPRESSION} header`);
    const retryBackoffMs = context.duration(
      headers[Headers.RETRY_BACKOFF] ?? DEFAULT_RETRY_BACKOFF,
      node,
      `the ${Headers.RETRY_BACKOFF} header`,
    );
    const jobTimeoutMs = context.duration(headers[Headers.JOB_TIMEOUT] ?? DEFAULT_JOB_TIMEOUT, node, `the ${Headers.JOB_TIMEOUT} header`);
    const template = await checkTemplate(node, { taskType, inputs: list(extension(node, 'zeebe:IoMapping'), 'inputParameters'), headers }, context);
    const contracts = template ? await compileContracts(template, context) : {};

    if (context.problems.length > problemsBefore || taskType === undefined || retryBackoffMs === undefined || jobTimeoutMs === undefined) {
      return undefined;
    }
    return {
      kind,
      ...base,
      taskType,
      retries,
      inputs,
      outputs,
      headers,
      ...(resultVariable !== undefined && { resultVariable }),
      ...(resultExpression !== undefined && { resultExpression }),
      ...(errorExpression !== undefined && { errorExpression }),
      retryBackoffMs,
      jobTimeoutMs,
      ...(template !== undefined && { template }),
      ...contracts,
    };
  };
}

function readTaskType(node: ModdleElement, definition: ModdleElement | undefined, context: CompileContext): string | undefined {
  const type = attr(definition, 'type')?.trim();
  if (type === undefined || type === '') {
    context.problem(
      DeployProblem.TASK_TYPE_MISSING,
      node,
      `${describe(node)} has no task type: pick an element template in the modeler, or set zeebe:taskDefinition type to the operation's task type`,
    );
    return undefined;
  }
  if (type.startsWith('=') || !TASK_TYPE_PATTERN.test(type)) {
    context.problem(
      DeployProblem.TASK_TYPE_INVALID,
      node,
      `${describe(node)} has the task type '${type}', which cannot name a bus subject: use letters, digits, '_', ':' and '-' only (no expressions, dots or spaces)`,
    );
    return undefined;
  }
  return type;
}

function readRetries(node: ModdleElement, definition: ModdleElement | undefined, context: CompileContext): number {
  const text = attr(definition, 'retries')?.trim();
  if (text === undefined) return DEFAULT_RETRIES;
  if (!/^\d+$/.test(text)) {
    context.problem(
      DeployProblem.RETRIES_INVALID,
      node,
      `${describe(node)} has retries '${text}', which is not a whole number: set zeebe:taskDefinition retries to a number such as 3`,
    );
    return DEFAULT_RETRIES;
  }
  return Number(text);
}

function readHeaders(node: ModdleElement): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const header of list(extension(node, 'zeebe:TaskHeaders'), 'values')) {
    const key = attr(header, 'key');
    if (key !== undefined) headers[key] = typeof header.value === 'string' ? header.value : '';
  }
  return headers;
}

/** A JSONata header value; a leading `=` (as the Camunda modeler writes FEEL fields) is optional. */
function optionalExpression(value: string | undefined, node: ModdleElement, context: CompileContext, what: string) {
  if (value === undefined || value.trim() === '' || value.trim() === '=') return undefined;
  const text = value.startsWith('=') ? value.slice(1) : value;
  return context.expression(text, node, what);
}

/**
 * The operation contract of the task's template version (metadata.inputSchema / resultSchema), compiled
 * once here. Read also when a stored definition is compiled again, so contracts hold after a restart.
 * Published templates passed the same compile, so a schema that fails here is skipped.
 */
async function compileContracts(ref: TemplateRef, context: CompileContext): Promise<{ inputContract?: ContractCheck; resultContract?: ContractCheck }> {
  const template = await context.catalog.get(ref.id, ref.version).catch(() => undefined);
  const metadata = template?.metadata;
  if (!metadata) return {};
  const compiled: { inputContract?: ContractCheck; resultContract?: ContractCheck } = {};
  try {
    if (metadata.inputSchema !== undefined) compiled.inputContract = compileContract(metadata.inputSchema);
    if (metadata.resultSchema !== undefined) compiled.resultContract = compileContract(metadata.resultSchema);
  } catch {
    return {};
  }
  return compiled;
}
