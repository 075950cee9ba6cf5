/** bpmn:ParallelGateway: forks to every outgoing flow, joins every incoming one. */
import { ElementKind } from '../executable';
import type { ElementCompiler } from './element-compiler';

export const compileParallelGateway: ElementCompiler<typeof ElementKind.PARALLEL_GATEWAY> = (_node, base) => ({
  kind: ElementKind.PARALLEL_GATEWAY,
  ...base,
});
