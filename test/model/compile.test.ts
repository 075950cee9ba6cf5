import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadEmbeddedCatalog, type EmbeddedCatalog } from '../../catalog/embedded-catalog';
import { DeploymentError, type Problem } from '../../engine/errors';
import { compileDefinitions, compileOrThrow } from '../../engine/model/compile';
import { ElementKind, type ExecutableElement, type ExecutableProcess } from '../../engine/model/executable';
import { DeployProblem } from '../../engine/model/problem-codes';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
let catalog: EmbeddedCatalog;

beforeAll(async () => {
  catalog = await loadEmbeddedCatalog(path.join(__dirname, 'fixtures', 'templates'));
});

/** The element of that kind (not ElementOf: ElementOf<'serviceTask'> is never, as JobWorkerElement's kind is a union). */
function element<K extends ElementKind>(process: ExecutableProcess, id: string, kind: K): NarrowTo<K> {
  const found = process.elements.get(id);
  expect(found?.kind).toBe(kind);
  return found as never;
}
type NarrowTo<K extends ElementKind> = ExecutableElement extends infer E ? (E extends { kind: infer EK } ? (K extends EK ? E : never) : never) : never;

async function problemsOf(name: string): Promise<Problem[]> {
  const result = await compileDefinitions(fixture(name), catalog);
  expect(result.processes).toEqual([]);
  return result.problems;
}

/** The single problem of a fixture: its code, the element it names (in elementId and message) and its line. */
async function onlyProblem(name: string, code: string, elementId: string, line: number): Promise<Problem> {
  const problems = await problemsOf(name);
  expect(problems).toHaveLength(1);
  const [problem] = problems;
  expect(problem).toMatchObject({ code, elementId, line });
  expect(problem.message).toContain(`'${elementId}'`);
  return problem;
}

describe('compileDefinitions: a process with every supported kind', () => {
  let process: ExecutableProcess;

  beforeAll(async () => {
    const result = await compileDefinitions(fixture('every-kind.bpmn'), catalog);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.processes).toHaveLength(1);
    process = result.processes[0];
  });

  it('names the process, its start event and the templates it uses', () => {
    expect(process.bpmnProcessId).toBe('order-greeting');
    expect(process.name).toBe('Order greeting');
    expect(process.startEventId).toBe('start');
    expect(process.templates).toEqual([{ id: 'io.test.greet', version: 2, elementId: 'greet' }]);
    expect([...process.elements.keys()].sort()).toEqual(
      ['any-error', 'any-error-end', 'decide', 'end', 'failed', 'fork', 'greet', 'join', 'not-found', 'notify', 'review', 'score', 'start'].sort(),
    );
  });

  it('compiles the service task: type, retries, mappings, headers, connector headers, template', async () => {
    const greet = element(process, 'greet', ElementKind.SERVICE_TASK);
    expect(greet).toMatchObject({
      name: 'Greet customer',
      taskType: 'test:greet',
      retries: 5,
      resultVariable: 'greetResponse',
      retryBackoffMs: 10_000,
      jobTimeoutMs: 300_000,
      template: { id: 'io.test.greet', version: 2 },
      incoming: ['f-start-greet'],
      boundaryEventIds: ['not-found', 'any-error'],
      line: 7,
    });
    expect(greet.outgoing.map((flow) => flow.id)).toEqual(['f-greet-decide']);
    expect(greet.headers).toEqual({
      resultVariable: 'greetResponse',
      resultExpression: '={ "greeting": body.text }',
      errorExpression: '=status = 404 ? $bpmnError("NOT_FOUND", "no customer")',
      retryBackoff: 'PT10S',
      custom: 'kept as is',
    });
    expect(greet.inputs.map((m) => [m.target, m.source.kind])).toEqual([
      ['name', 'expression'],
      ['greeting', 'literal'],
      ['request.body.count', 'expression'],
    ]);
    expect(greet.inputs[1].source).toEqual({ kind: 'literal', value: 'Hello' });
    expect(greet.outputs.map((m) => m.target)).toEqual(['result.greeting']);
    expect(await greet.resultExpression?.evaluate({ body: { text: 'hi' } })).toEqual({ greeting: 'hi' });
    expect(await greet.errorExpression?.evaluate({ status: 404 })).toEqual({ code: 'NOT_FOUND', message: 'no customer' });
  });

  it('applies defaults to the send task: retries 3, back-off PT0S, job timeout PT5M', () => {
    const notify = element(process, 'notify', ElementKind.SEND_TASK);
    expect(notify).toMatchObject({ taskType: 'notify', retries: 3, retryBackoffMs: 0, jobTimeoutMs: 300_000, headers: {}, inputs: [], outputs: [] });
    expect(notify.template).toBeUndefined();
    expect(notify.resultExpression).toBeUndefined();
  });

  it('compiles the user task and the script task', async () => {
    const review = element(process, 'review', ElementKind.USER_TASK);
    expect(review).toMatchObject({ assignee: 'ada', candidateGroups: ['sales', 'support'], formKey: 'camunda-forms:bpmn:review-form' });
    expect(review.inputs.map((m) => m.target)).toEqual(['customer']);
    expect(review.outputs.map((m) => m.target)).toEqual(['review.approved']);
    const score = element(process, 'score', ElementKind.SCRIPT_TASK);
    expect(score.resultVariable).toBe('total');
    expect(score.expression.text).toBe('$sum(items.price)');
    expect(await score.expression.evaluate({ items: [{ price: 2 }, { price: 3 }] })).toBe(5);
  });

  it('compiles gateways with conditions and the default flow', async () => {
    const decide = element(process, 'decide', ElementKind.EXCLUSIVE_GATEWAY);
    expect(decide.defaultFlowId).toBe('f-decide-script');
    const [vip, fallback] = decide.outgoing;
    expect(vip).toMatchObject({ id: 'f-decide-review', sourceId: 'decide', targetId: 'review' });
    expect(vip.condition?.text).toBe('customer.vip = true');
    expect(await vip.condition?.evaluate({ customer: { vip: true } })).toBe(true);
    expect(fallback.condition).toBeUndefined();
    const fork = element(process, 'fork', ElementKind.PARALLEL_GATEWAY);
    expect(fork.incoming).toEqual(['f-review-fork', 'f-script-fork']);
    expect(fork.outgoing.map((flow) => flow.targetId)).toEqual(['notify', 'join']);
    expect(element(process, 'join', ElementKind.PARALLEL_GATEWAY).incoming).toEqual(['f-fork-join', 'f-notify-join']);
  });

  it('compiles boundary events and end events', () => {
    expect(element(process, 'not-found', ElementKind.BOUNDARY_EVENT)).toMatchObject({ attachedToId: 'greet', errorCode: 'NOT_FOUND', incoming: [] });
    expect(element(process, 'any-error', ElementKind.BOUNDARY_EVENT).errorCode).toBeUndefined();
    expect(element(process, 'failed', ElementKind.END_EVENT).error).toEqual({ code: 'GREETING_FAILED', message: 'Greeting failed' });
    expect(element(process, 'end', ElementKind.END_EVENT).error).toBeUndefined();
    expect(element(process, 'start', ElementKind.START_EVENT).line).toBe(4);
  });
});

describe('compileDefinitions: problems', () => {
  it('reports XML that is not well-formed with line and column', async () => {
    const problems = await problemsOf('not-well-formed.bpmn');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: DeployProblem.XML_NOT_WELL_FORMED, line: 8, column: 5 });
    expect(problems[0].message).toMatch(/line 8, column 5: closing tag mismatch/);
  });

  it('refuses an unsupported element kind', async () => {
    const problem = await onlyProblem('unsupported-element.bpmn', DeployProblem.ELEMENT_UNSUPPORTED, 'sub1', 7);
    expect(problem.message).toMatch(/^bpmn:SubProcess 'sub1' is not supported by Baton yet/);
  });

  it('requires a none start event', async () => {
    const problems = await problemsOf('missing-start-event.bpmn');
    expect(problems.find((p) => p.code === DeployProblem.START_EVENT_MISSING)).toMatchObject({ elementId: 'no-start', line: 3 });
    expect(problems.find((p) => p.code === DeployProblem.START_EVENT_MISSING)?.message).toContain("bpmn:Process 'no-start' has no none start event");
  });

  it('requires outgoing flows on a gateway', async () => {
    await onlyProblem('gateway-without-outgoing.bpmn', DeployProblem.FLOW_MISSING, 'decide', 7);
  });

  it('requires a task type on a service task', async () => {
    const problem = await onlyProblem('service-task-without-type.bpmn', DeployProblem.TASK_TYPE_MISSING, 'call', 7);
    expect(problem.message).toMatch(/has no task type: pick an element template/);
  });

  it('reports a template the catalog does not hold', async () => {
    const problem = await onlyProblem('unknown-template.bpmn', DeployProblem.TEMPLATE_UNKNOWN, 'call', 7);
    expect(problem.message).toContain("'io.test.missing'");
  });

  it('reports a template version the catalog does not hold', async () => {
    const problem = await onlyProblem('unknown-template-version.bpmn', DeployProblem.TEMPLATE_VERSION_UNKNOWN, 'call', 7);
    expect(problem.message).toMatch(/version 7 of element template 'io.test.greet'.*latest version is 2/);
  });

  it('reports a required template input left unbound', async () => {
    const problem = await onlyProblem('template-input-unbound.bpmn', DeployProblem.TEMPLATE_INPUT_UNBOUND, 'call', 7);
    expect(problem.message).toMatch(/required input 'name' \("Name"\) of template 'io.test.greet'/);
  });

  it('reports JSONata that does not compile in a mapping, with its position', async () => {
    const problem = await onlyProblem('bad-jsonata-mapping.bpmn', DeployProblem.EXPRESSION_INVALID, 'call', 7);
    expect(problem.message).toMatch(/input mapping to 'name' is not valid JSONata .*position 14/);
  });

  it('reports JSONata that does not compile in a condition', async () => {
    const problem = await onlyProblem('bad-jsonata-condition.bpmn', DeployProblem.EXPRESSION_INVALID, 'yes', 19);
    expect(problem.message).toMatch(/^bpmn:SequenceFlow 'yes': the condition is not valid JSONata .*position 8/);
  });

  it('reports JSONata that does not compile in a script', async () => {
    const problem = await onlyProblem('bad-jsonata-script.bpmn', DeployProblem.EXPRESSION_INVALID, 'call', 7);
    expect(problem.message).toMatch(/^bpmn:ScriptTask 'call': the script expression is not valid JSONata .*position 16/);
  });

  it('reports a bad duration', async () => {
    const problem = await onlyProblem('bad-duration.bpmn', DeployProblem.DURATION_INVALID, 'call', 7);
    expect(problem.message).toMatch(/retryBackoff header is invalid: '10 seconds' is not an ISO 8601 duration/);
  });

  it('reports several problems together, in one pass', async () => {
    const problems = await problemsOf('several-problems.bpmn');
    expect(problems.map((p) => [p.code, p.elementId, p.line])).toEqual([
      [DeployProblem.ELEMENT_UNSUPPORTED, 'call-sub', 11],
      [DeployProblem.TASK_TYPE_MISSING, 'no-type', 7],
      [DeployProblem.DURATION_INVALID, 'templated', 18],
      [DeployProblem.TEMPLATE_UNKNOWN, 'templated', 18],
    ]);
  });

  it('skips the catalog when asked (a stored definition compiled again after a restart)', async () => {
    const result = await compileDefinitions(fixture('unknown-template.bpmn'), catalog, { checkTemplates: false });
    expect(result.problems).toEqual([]);
    expect(result.processes[0].templates).toEqual([{ id: 'io.test.missing', version: 1, elementId: 'call' }]);
  });

  it('compileOrThrow throws DeploymentError with every problem', async () => {
    await expect(compileOrThrow(fixture('several-problems.bpmn'), catalog)).rejects.toBeInstanceOf(DeploymentError);
    await expect(compileOrThrow(fixture('several-problems.bpmn'), catalog)).rejects.toMatchObject({ problems: expect.arrayContaining([expect.objectContaining({ elementId: 'call-sub' })]) });
    await expect(compileOrThrow(fixture('every-kind.bpmn'), catalog)).resolves.toHaveLength(1);
  });
});
