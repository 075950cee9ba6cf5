/** bpmn:UserTask: waits until a person completes it over REST, with variables. */
import type { UserTaskElement } from '../model/executable';
import { leaveElement } from '../behaviors/state-transition';
import { mapInputs, mapOutputs } from '../behaviors/variable-mapping';
import { Intent } from '../runtime/intents';
import type { ElementProcessor } from './element-processor';

export const userTaskProcessor: ElementProcessor<UserTaskElement> = {
  async onActivate(ctx, element, instance) {
    const inputs = await mapInputs(element.id, element.inputs, ctx.state.variables);
    if (!inputs.ok) return inputs.failure;
    const key = ctx.nextKey();
    ctx.state.userTasks[key] = {
      key,
      elementInstanceKey: instance.key,
      elementId: element.id,
      name: element.name,
      assignee: element.assignee,
      candidateGroups: element.candidateGroups ? [...element.candidateGroups] : undefined,
      formKey: element.formKey,
      variables: inputs.variables,
      createdAt: ctx.now,
    };
    instance.userTaskKey = key;
    ctx.record(Intent.USER_TASK_CREATED, instance, { userTaskKey: key });
    return undefined;
  },

  async onComplete(ctx, element, instance, result) {
    const outputs = await mapOutputs(element.id, element.outputs, result, ctx.state.variables);
    if (!outputs.ok) return outputs.failure;
    ctx.setVariables(outputs.variables); // first: it throws, changing nothing, when the variables would be too large
    if (instance.userTaskKey) {
      delete ctx.state.userTasks[instance.userTaskKey];
      ctx.record(Intent.USER_TASK_COMPLETED, instance, { userTaskKey: instance.userTaskKey });
    }
    leaveElement(ctx, instance, element.outgoing);
    return undefined;
  },

  onTerminate(ctx, _element, instance) {
    if (!instance.userTaskKey) return;
    delete ctx.state.userTasks[instance.userTaskKey];
    ctx.record(Intent.USER_TASK_CANCELED, instance, { userTaskKey: instance.userTaskKey });
  },
};
