/** bpmn:ExclusiveGateway (its flow and condition checks live in compile-process.ts). */
import { ElementKind } from '../executable';
import { child } from '../moddle';
import type { ElementCompiler } from './element-compiler';

export const compileExclusiveGateway: ElementCompiler<typeof ElementKind.EXCLUSIVE_GATEWAY> = (node, base) => ({
  kind: ElementKind.EXCLUSIVE_GATEWAY,
  ...base,
  defaultFlowId: child(node, 'default')?.id,
});
