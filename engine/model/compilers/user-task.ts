/** bpmn:UserTask: mappings, zeebe:assignmentDefinition and zeebe:formDefinition. */
import { describe, type CompileContext } from '../compile-context';
import { ElementKind } from '../executable';
import { attr, extension, type ModdleElement } from '../moddle';
import type { ElementCompiler } from './element-compiler';
import { compileMappings } from './io-mapping';

export const compileUserTask: ElementCompiler<typeof ElementKind.USER_TASK> = (node, base, context) => {
  const problemsBefore = context.problems.length;
  const { inputs, outputs } = compileMappings(node, context);
  const assignment = extension(node, 'zeebe:AssignmentDefinition');
  const assignee = attr(assignment, 'assignee');
  const groups = attr(assignment, 'candidateGroups');
  checkExpression(assignee, node, context, 'the assignee');
  checkExpression(groups, node, context, 'the candidate groups');
  const candidateGroups = groups?.startsWith('=')
    ? [groups]
    : groups?.split(',').map((group) => group.trim()).filter((group) => group !== '');
  const formKey = attr(extension(node, 'zeebe:FormDefinition'), 'formKey');
  if (context.problems.length > problemsBefore) return undefined;
  return {
    kind: ElementKind.USER_TASK,
    ...base,
    inputs,
    outputs,
    ...(assignee !== undefined && { assignee }),
    ...(candidateGroups !== undefined && candidateGroups.length > 0 && { candidateGroups }),
    ...(formKey !== undefined && { formKey }),
  };
};

/** An expression-valued assignment (`=...`) is kept as text for the task list, but it must compile. */
function checkExpression(value: string | undefined, node: ModdleElement, context: CompileContext, what: string): void {
  if (value?.startsWith('=')) context.expression(value.slice(1), node, `${what} of ${describe(node)}`);
}
