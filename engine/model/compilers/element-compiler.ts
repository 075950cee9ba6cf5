/** The contract of one BPMN element kind's compile rules. */
import type { CompileContext, ElementBaseFields } from '../compile-context';
import type { ElementKind, ElementOf } from '../executable';
import type { ModdleElement } from '../moddle';

/** Compiles one moddle element into its executable form, or reports problems and answers undefined. */
export type ElementCompiler<K extends ElementKind = ElementKind> = (
  node: ModdleElement,
  base: ElementBaseFields,
  context: CompileContext,
) => ElementOf<K> | undefined | Promise<ElementOf<K> | undefined>;
