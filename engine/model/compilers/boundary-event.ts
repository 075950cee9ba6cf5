/** bpmn:BoundaryEvent: interrupting error boundary events; no errorRef catches every BPMN error. */
import { describe } from '../compile-context';
import { ElementKind } from '../executable';
import { child, list } from '../moddle';
import { DeployProblem } from '../problem-codes';
import { errorReference } from './bpmn-error';
import type { ElementCompiler } from './element-compiler';

export const compileBoundaryEvent: ElementCompiler<typeof ElementKind.BOUNDARY_EVENT> = (node, base, context) => {
  const definitions = list(node, 'eventDefinitions');
  if (definitions.length !== 1 || definitions[0].$type !== 'bpmn:ErrorEventDefinition') {
    const what = definitions.length === 0 ? 'no event definition' : `a ${definitions.map((d) => d.$type).join(', ')}`;
    context.problem(
      DeployProblem.ELEMENT_UNSUPPORTED,
      node,
      `${describe(node)} with ${what} is not supported by Baton yet: only error boundary events are`,
    );
    return undefined;
  }
  // cancelActivity defaults to true; moddle reads the attribute as a boolean.
  if (node.cancelActivity === false) {
    context.problem(
      DeployProblem.ELEMENT_UNSUPPORTED,
      node,
      `${describe(node)} is non-interrupting, which Baton does not support yet: make it interrupting`,
    );
    return undefined;
  }
  const attachedTo = child(node, 'attachedToRef');
  if (!attachedTo?.id) {
    context.problem(DeployProblem.BOUNDARY_INVALID, node, `${describe(node)} is not attached to an activity: attach it to a task`);
    return undefined;
  }
  const reference = errorReference(node, definitions[0], context);
  if (!reference.ok) return undefined;
  return { kind: ElementKind.BOUNDARY_EVENT, ...base, attachedToId: attachedTo.id, errorCode: reference.code };
};
