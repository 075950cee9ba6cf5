/** Reads the error code of a bpmn:ErrorEventDefinition's errorRef (a bpmn:Error). */
import { describe, type CompileContext } from '../compile-context';
import { attr, child, type ModdleElement } from '../moddle';
import { DeployProblem } from '../problem-codes';

export interface ErrorReference {
  /** False when the reference is broken (a problem was reported). */
  readonly ok: boolean;
  readonly code?: string;
  readonly name?: string;
}

export function errorReference(node: ModdleElement, definition: ModdleElement, context: CompileContext): ErrorReference {
  const error = child(definition, 'errorRef');
  if (!error) return { ok: true };
  const code = attr(error, 'errorCode');
  if (code === undefined) {
    context.problem(
      DeployProblem.ERROR_INVALID,
      node,
      `${describe(node)} refers to ${describe(error)}, which has no error code: set the error code of the BPMN error`,
    );
    return { ok: false };
  }
  if (code.startsWith('=')) {
    context.problem(
      DeployProblem.ERROR_INVALID,
      node,
      `${describe(node)} refers to ${describe(error)}, whose error code '${code}' is an expression: Baton supports literal error codes only`,
    );
    return { ok: false };
  }
  return { ok: true, code, name: attr(error, 'name') };
}
