/**
 * The benchmark's scenarios as BPMN: once for Baton (zeebe extensions, JSONata) and once for bpmn-engine
 * (its own service expressions and JavaScript conditions/scripts). Both run the same shape.
 *
 *   a: start -> end
 *   b: start -> service task -> end
 *   c: ten elements: start, exclusive gateway (condition amount > 100, default to a second end), parallel split,
 *      three service tasks, parallel join, script task (total = amount * 2), end
 *   d: start -> user task -> end
 */
export type ScenarioId = 'a' | 'b' | 'c' | 'd';
export const FLOW_SCENARIOS = ['a', 'b', 'c'] as const;
export const ALL_SCENARIOS: readonly ScenarioId[] = ['a', 'b', 'c', 'd'];

export const SCENARIO_TITLES: Record<ScenarioId, string> = {
  a: 'a: start -> end',
  b: 'b: start -> service task -> end',
  c: 'c: 10 elements (gateway, 3 parallel service tasks, script)',
  d: 'd: 10,000 waiting at a user task',
};

/** The task type every benchmark service task uses. */
export const TASK_TYPE = 'bench.work';

/** The variables every instance starts with. */
export const START_VARIABLES = { amount: 250, currency: 'EUR', customer: { id: 'c-1234', name: 'Ada Lovelace', tier: 'gold' } };

const BATON_HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="bench" targetNamespace="http://baton.dev/bench">`;

const batonTask = (id: string, result: string) =>
  `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${TASK_TYPE}" />` +
  `<zeebe:taskHeaders><zeebe:header key="resultVariable" value="${result}" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>`;

export const BATON_BPMN: Record<ScenarioId, string> = {
  a: `${BATON_HEAD}
  <bpmn:process id="bench-a" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`,
  b: `${BATON_HEAD}
  <bpmn:process id="bench-b" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />
    ${batonTask('task', 'work')}
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`,
  c: `${BATON_HEAD}
  <bpmn:process id="bench-c" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="route" />
    <bpmn:exclusiveGateway id="route" default="f-low" />
    <bpmn:sequenceFlow id="f-high" sourceRef="route" targetRef="split">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=amount &gt; 100</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f-low" sourceRef="route" targetRef="end-low" />
    <bpmn:endEvent id="end-low" />
    <bpmn:parallelGateway id="split" />
    <bpmn:sequenceFlow id="s1" sourceRef="split" targetRef="t1" />
    <bpmn:sequenceFlow id="s2" sourceRef="split" targetRef="t2" />
    <bpmn:sequenceFlow id="s3" sourceRef="split" targetRef="t3" />
    ${batonTask('t1', 'r1')}
    ${batonTask('t2', 'r2')}
    ${batonTask('t3', 'r3')}
    <bpmn:sequenceFlow id="j1" sourceRef="t1" targetRef="join" />
    <bpmn:sequenceFlow id="j2" sourceRef="t2" targetRef="join" />
    <bpmn:sequenceFlow id="j3" sourceRef="t3" targetRef="join" />
    <bpmn:parallelGateway id="join" />
    <bpmn:sequenceFlow id="f2" sourceRef="join" targetRef="script" />
    <bpmn:scriptTask id="script"><bpmn:extensionElements><zeebe:script expression="=amount * 2" resultVariable="total" /></bpmn:extensionElements></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="script" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`,
  d: `${BATON_HEAD}
  <bpmn:process id="bench-d" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="approve" />
    <bpmn:userTask id="approve" name="Approve" />
    <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`,
};

const REF_HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="bench" targetNamespace="http://baton.dev/bench">`;

const refTask = (id: string) => `<serviceTask id="${id}" implementation="\${environment.services.work}" />`;

export const REFERENCE_BPMN: Record<ScenarioId, string> = {
  a: `${REF_HEAD}
  <process id="bench-a" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`,
  b: `${REF_HEAD}
  <process id="bench-b" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="task" />
    ${refTask('task')}
    <sequenceFlow id="f2" sourceRef="task" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`,
  c: `${REF_HEAD}
  <process id="bench-c" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="route" />
    <exclusiveGateway id="route" default="f-low" />
    <sequenceFlow id="f-high" sourceRef="route" targetRef="split">
      <conditionExpression xsi:type="tFormalExpression" language="javascript">next(null, environment.variables.amount &gt; 100)</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="f-low" sourceRef="route" targetRef="end-low" />
    <endEvent id="end-low" />
    <parallelGateway id="split" />
    <sequenceFlow id="s1" sourceRef="split" targetRef="t1" />
    <sequenceFlow id="s2" sourceRef="split" targetRef="t2" />
    <sequenceFlow id="s3" sourceRef="split" targetRef="t3" />
    ${refTask('t1')}
    ${refTask('t2')}
    ${refTask('t3')}
    <sequenceFlow id="j1" sourceRef="t1" targetRef="join" />
    <sequenceFlow id="j2" sourceRef="t2" targetRef="join" />
    <sequenceFlow id="j3" sourceRef="t3" targetRef="join" />
    <parallelGateway id="join" />
    <sequenceFlow id="f2" sourceRef="join" targetRef="script" />
    <scriptTask id="script" scriptFormat="javascript"><script>environment.output.total = environment.variables.amount * 2; next();</script></scriptTask>
    <sequenceFlow id="f3" sourceRef="script" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`,
  d: `${REF_HEAD}
  <process id="bench-d" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="approve" />
    <userTask id="approve" name="Approve" />
    <sequenceFlow id="f2" sourceRef="approve" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`,
};
