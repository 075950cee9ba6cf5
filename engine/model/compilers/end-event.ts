/** bpmn:EndEvent: the none end event and the error end event. */
import { describe } from '../compile-context';
import { ElementKind } from '../executable';
import { list } from '../moddle';
import { DeployProblem } from '../problem-codes';
import { errorReference } from './bpmn-error';
import type { ElementCompiler } from './element-compiler';

export const compileEndEvent: ElementCompiler<typeof ElementKind.END_EVENT> = (node, base, context) => {
  const definitions = list(node, 'eventDefinitions');
  if (definitions.length === 0) return { kind: ElementKind.END_EVENT, ...base };
  if (definitions.length > 1 || definitions[0].$type !== 'bpmn:ErrorEventDefinition') {
    context.problem(
      DeployProblem.ELEMENT_UNSUPPORTED,
      node,
      `${describe(node)} with a ${definitions.map((d) => d.$type).join(', ')} is not supported by Baton yet: use a none end event or an error end event`,
    );
    return undefined;
  }
  const reference = errorReference(node, definitions[0], context);
  if (!reference.ok) return undefined;
  if (reference.code === undefined) {
    context.problem(
      DeployProblem.ERROR_INVALID,
      node,
      `${describe(node)} is an error end event without a BPMN error: pick the error it throws (errorRef) in the modeler`,
    );
    return undefined;
  }
  const error = reference.name === undefined ? { code: reference.code } : { code: reference.code, message: reference.name };
  return { kind: ElementKind.END_EVENT, ...base, error };
};
