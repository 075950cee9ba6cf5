import { makeJob, runBusContract, sleep, uniqueType, waitFor } from './bus-contract';
import { deleteStreams, natsBus, rawNats, uniquePrefix } from './nats-test-world';
import { consumerName } from '../../engine/bus/nats-bus';

const prefix = uniquePrefix();
afterAll(() => deleteStreams(prefix));

runBusContract('NATS JetStream', { create: () => natsBus(prefix) });

describe('NatsBus specifics', () => {
  it('creates the two work-queue streams and a durable consumer per task type', async () => {
    const bus = await natsBus(prefix);
    const type = uniqueType('streams');
    const sub = await bus.consumeJobs(type, async () => undefined, { concurrency: 1 });
    const { nc, jsm } = await rawNats();
    const jobs = await jsm.streams.info(bus.streams.jobs);
    expect(jobs.config).toMatchObject({ subjects: [`${prefix}.job.>`], retention: 'workqueue', storage: 'file', duplicate_window: 120_000_000_000 });
    const answers = await jsm.streams.info(bus.streams.answers);
    expect(answers.config).toMatchObject({ subjects: [`${prefix}.answer.>`], retention: 'workqueue' });
    const consumer = await jsm.consumers.info(bus.streams.jobs, consumerName(type));
    expect(consumer.config).toMatchObject({ filter_subject: `${prefix}.job.${type}`, ack_policy: 'explicit', durable_name: consumerName(type) });
    await sub.stop();
    await bus.close();
    // connecting again is idempotent
    const again = await natsBus(prefix);
    await again.close();
    await nc.close();
  });

  it('keeps a job across closing and reconnecting the consumer side', async () => {
    const type = uniqueType('reconnect');
    const first = await natsBus(prefix);
    const seenByFirst: string[] = [];
    await (await first.consumeJobs(type, async (job) => void seenByFirst.push(job.jobKey), { concurrency: 1 })).stop();
    await first.close();

    const publisher = await natsBus(prefix);
    await publisher.publishJob(makeJob(type, 'while-away'), { traceparent: '00-1-2-01' }, 1);
    await publisher.close();

    const second = await natsBus(prefix);
    const got: string[] = [];
    const sub = await second.consumeJobs(type, async (job) => void got.push(job.jobKey), { concurrency: 1 });
    await waitFor(() => got.length === 1, 5_000, 'the job on the new connection');
    expect(got).toEqual(['while-away']);
    expect(seenByFirst).toEqual([]);
    await sub.stop();
    await second.close();
  });

  it('terminates a message that is not JSON or not protocol 1 and goes on with the next', async () => {
    const bus = await natsBus(prefix);
    const type = uniqueType('garbage');
    const got: string[] = [];
    const sub = await bus.consumeJobs(type, async (job) => void got.push(job.jobKey), { concurrency: 1 });
    const { nc } = await rawNats();
    nc.publish(`${prefix}.job.${type}`, 'this is {not json');
    nc.publish(`${prefix}.job.${type}`, JSON.stringify({ ...makeJob(type, 'v2'), protocol: 2 }));
    await nc.flush();
    await bus.publishJob(makeJob(type, 'valid'), {}, 1);
    await waitFor(() => got.length === 1, 5_000, 'the valid job');
    await sleep(300);
    expect(got).toEqual(['valid']);
    await sub.stop();
    await bus.close();
    await nc.close();
  });

  it('publishes many jobs in flight at once', async () => {
    const bus = await natsBus(prefix);
    const type = uniqueType('many');
    let count = 0;
    const sub = await bus.consumeJobs(type, async () => void count++, { concurrency: 16 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 500 }, (_, i) => bus.publishJob(makeJob(type, `m-${i}`), {}, 1)));
    await waitFor(() => count === 500, 10_000, '500 jobs');
    expect(Date.now() - started).toBeLessThan(10_000);
    await sub.stop();
    await bus.close();
  });

  it('fails to connect with a clear error', async () => {
    await expect(natsBus(prefix, { servers: '127.0.0.1:1' })).rejects.toThrow(/Cannot connect to NATS at 127.0.0.1:1/);
  });
});
