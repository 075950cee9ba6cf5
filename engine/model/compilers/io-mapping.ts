/** zeebe:ioMapping: inputs and outputs, shared by every task kind. */
import type { VariableMapping } from '../../mapping/expression';
import { isValidTarget } from '../../mapping/variable-mapping';
import { describe, type CompileContext } from '../compile-context';
import { attr, extension, list, type ModdleElement } from '../moddle';
import { DeployProblem } from '../problem-codes';

export interface CompiledMappings {
  readonly inputs: VariableMapping[];
  readonly outputs: VariableMapping[];
}

export function compileMappings(node: ModdleElement, context: CompileContext): CompiledMappings {
  const ioMapping = extension(node, 'zeebe:IoMapping');
  return {
    inputs: compileList(list(ioMapping, 'inputParameters'), 'input', node, context),
    outputs: compileList(list(ioMapping, 'outputParameters'), 'output', node, context),
  };
}

function compileList(
  parameters: ModdleElement[],
  direction: 'input' | 'output',
  node: ModdleElement,
  context: CompileContext,
): VariableMapping[] {
  const mappings: VariableMapping[] = [];
  for (const parameter of parameters) {
    const target = attr(parameter, 'target');
    if (target === undefined || !isValidTarget(target)) {
      context.problem(
        DeployProblem.MAPPING_INVALID,
        node,
        `${describe(node)} has an ${direction} mapping with ${target === undefined ? 'no target' : `the target '${target}', which is not a variable name or a dotted path`}: set a target such as 'customer' or 'request.body.name'`,
      );
      continue;
    }
    // Zeebe writes null for a mapping without a source.
    const sourceText = attr(parameter, 'source') ?? '=null';
    const source = context.source(sourceText, node, `the ${direction} mapping to '${target}'`);
    if (source) mappings.push({ source, target });
  }
  return mappings;
}
