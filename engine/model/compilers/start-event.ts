/** bpmn:StartEvent: only the none start event is supported. */
import { describe } from '../compile-context';
import { ElementKind } from '../executable';
import { list } from '../moddle';
import { DeployProblem } from '../problem-codes';
import type { ElementCompiler } from './element-compiler';

export const compileStartEvent: ElementCompiler<typeof ElementKind.START_EVENT> = (node, base, context) => {
  const definitions = list(node, 'eventDefinitions');
  if (definitions.length > 0) {
    context.problem(
      DeployProblem.ELEMENT_UNSUPPORTED,
      node,
      `${describe(node)} with a ${definitions.map((d) => d.$type).join(', ')} is not supported by Baton yet: use a none start event (no event definition)`,
    );
    return undefined;
  }
  return { kind: ElementKind.START_EVENT, ...base };
};
