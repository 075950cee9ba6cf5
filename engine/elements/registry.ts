/** Element kind -> processor. Typed over every ElementKind, so a kind without a processor fails to compile. */
import { ElementKind, type ElementOf, type ExecutableElement } from '../model/executable';
import { boundaryEventProcessor } from './boundary-event';
import type { ElementProcessor } from './element-processor';
import { endEventProcessor } from './end-event';
import { exclusiveGatewayProcessor } from './exclusive-gateway';
import { parallelGatewayProcessor } from './parallel-gateway';
import { scriptTaskProcessor } from './script-task';
import { sendTaskProcessor } from './send-task';
import { serviceTaskProcessor } from './service-task';
import { startEventProcessor } from './start-event';
import { userTaskProcessor } from './user-task';

type Registry = { readonly [K in ElementKind]: ElementProcessor<ElementOf<K>> };

const registry: Registry = {
  [ElementKind.START_EVENT]: startEventProcessor,
  [ElementKind.END_EVENT]: endEventProcessor,
  [ElementKind.SERVICE_TASK]: serviceTaskProcessor,
  [ElementKind.SEND_TASK]: sendTaskProcessor,
  [ElementKind.USER_TASK]: userTaskProcessor,
  [ElementKind.SCRIPT_TASK]: scriptTaskProcessor,
  [ElementKind.EXCLUSIVE_GATEWAY]: exclusiveGatewayProcessor,
  [ElementKind.PARALLEL_GATEWAY]: parallelGatewayProcessor,
  [ElementKind.BOUNDARY_EVENT]: boundaryEventProcessor,
};

export function processorFor<E extends ExecutableElement>(element: E): ElementProcessor<E> {
  return registry[element.kind] as unknown as ElementProcessor<E>;
}
