import { InProcessBus } from '../../engine/bus/in-process-bus';
import { makeJob, runBusContract } from './bus-contract';

runBusContract('in-process', { create: async () => new InProcessBus({ redeliveryDelayMs: 50 }) });

describe('InProcessBus specifics', () => {
  it('rejects a task type that is not a subject token sequence', async () => {
    const bus = new InProcessBus();
    await expect(bus.consumeJobs('bad type', async () => undefined, { concurrency: 1 })).rejects.toThrow(/Task type 'bad type' is not valid/);
    await expect(bus.consumeJobs('a..b', async () => undefined, { concurrency: 1 })).rejects.toThrow(/not valid/);
    await expect(bus.consumeJobs('ok.type:1', async () => undefined, { concurrency: 0 })).rejects.toThrow(/Concurrency/);
    await bus.close();
  });

  it('refuses to publish once closed and reports it in health', async () => {
    const bus = new InProcessBus();
    await bus.close();
    await expect(bus.publishJob(makeJob('a', 'k'), {}, 1)).rejects.toThrow(/closed/);
    expect((await bus.health()).ok).toBe(false);
  });
});
