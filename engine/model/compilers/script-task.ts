/** bpmn:ScriptTask: zeebe:script with a JSONata expression (leading `=`) and a resultVariable. */
import { describe } from '../compile-context';
import { ElementKind } from '../executable';
import { attr, extension } from '../moddle';
import { DeployProblem } from '../problem-codes';
import type { ElementCompiler } from './element-compiler';
import { compileMappings } from './io-mapping';

export const compileScriptTask: ElementCompiler<typeof ElementKind.SCRIPT_TASK> = (node, base, context) => {
  const problemsBefore = context.problems.length;
  const script = extension(node, 'zeebe:Script');
  const text = attr(script, 'expression')?.trim();
  const resultVariable = attr(script, 'resultVariable')?.trim();
  let expression;
  if (text === undefined || text === '=' ) {
    context.problem(
      DeployProblem.SCRIPT_INVALID,
      node,
      `${describe(node)} has no script expression: set zeebe:script expression to a JSONata expression starting with '='`,
    );
  } else if (!text.startsWith('=')) {
    context.problem(
      DeployProblem.SCRIPT_INVALID,
      node,
      `${describe(node)} has the script expression '${text}', which does not start with '=': write it as '=${text}'`,
    );
  } else {
    expression = context.expression(text.slice(1), node, 'the script expression');
  }
  if (resultVariable === undefined || resultVariable === '') {
    context.problem(
      DeployProblem.SCRIPT_INVALID,
      node,
      `${describe(node)} has no result variable: set zeebe:script resultVariable to the variable that receives the result`,
    );
  }
  const { inputs, outputs } = compileMappings(node, context);
  if (context.problems.length > problemsBefore || !expression || !resultVariable) return undefined;
  return { kind: ElementKind.SCRIPT_TASK, ...base, expression, resultVariable, inputs, outputs };
};
