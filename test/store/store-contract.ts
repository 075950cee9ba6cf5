/**
 * The one contract every Store implementation passes; each *.test.ts runs it against one implementation.
 * Real outcomes only: the stores write to real databases.
 */
import { ConflictError, StoreError } from '../../engine/errors';
import { readMigrations, type SqlProvider } from '../../engine/store/migrate';
import type { Store } from '../../engine/store/store';
import { definition, historyOf, instance, jobOutbox } from './store-fixtures';

export interface StoreHarness {
  /** A store on a fresh, empty database (not yet migrated). */
  fresh(): Promise<Store>;
  /** Closes the store and opens the same database again; absent where nothing persists. */
  reopen?(store: Store): Promise<Store>;
  /** The rows of `_prisma_migrations`; absent for the memory store. */
  migrationRows?(store: Store): Promise<{ migration_name: string; finished_at: unknown; checksum: string; applied_steps_count: unknown }[]>;
  /** Drops whatever the harness created. */
  cleanup(): Promise<void>;
}

export function storeContract(name: string, harness: () => StoreHarness): void {
  describe(`${name} store contract`, () => {
    const h = harness();
    let store: Store;

    beforeEach(async () => {
      store = await h.fresh();
      await store.migrate();
    });
    afterEach(async () => {
      await store.close();
    });
    afterAll(async () => {
      await h.cleanup();
    });

    it('migrates twice without harm and answers health', async () => {
      await store.migrate();
      await expect(store.health()).resolves.toMatchObject({ ok: true });
      if (h.migrationRows) {
        const rows = await h.migrationRows(store);
        // One row per migration folder (each applied once), the first one the init migration.
        expect(rows.map((row) => row.migration_name).sort()).toEqual(readMigrations(store.kind as SqlProvider).map((m) => m.name));
        expect(rows.map((row) => row.migration_name).sort()[0]).toMatch(/^\d{14}_init$/);
        for (const row of rows) {
          expect(row.finished_at).not.toBeNull();
          expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
          expect(Number(row.applied_steps_count)).toBe(1);
        }
      }
    });

    it('inserts definitions and finds the latest, by key and all', async () => {
      await store.insertDefinitions([definition('order', 1), definition('invoice', 1, { name: undefined })]);
      await store.insertDefinitions([definition('order', 2)]);
      expect(await store.latestDefinition('order')).toEqual(definition('order', 2));
      expect(await store.latestDefinition('nope')).toBeNull();
      const invoice = await store.getDefinition('invoice:1');
      expect(invoice).toEqual(definition('invoice', 1, { name: undefined }));
      expect(await store.getDefinition('nope')).toBeNull();
      expect((await store.listDefinitions()).map((d) => d.key)).toEqual(['invoice:1', 'order:1', 'order:2']);
    });

    it('rejects a second definition with the same process id and version, and deploys nothing of that set', async () => {
      await store.insertDefinitions([definition('order', 1)]);
      const clash = store.insertDefinitions([definition('other', 1), definition('order', 1, { key: 'order:1b' })]);
      await expect(clash).rejects.toBeInstanceOf(ConflictError);
      expect((await store.listDefinitions()).map((d) => d.key)).toEqual(['order:1']);
    });

    it('commits instances, history and outbox in one batch and reads them back', async () => {
      const a = instance('a');
      const b = instance('b', { endedAt: 1_700_000_009_000, status: 'COMPLETED' });
      await store.commit({
        instances: [a, b],
        history: [historyOf('a', 0), historyOf('a', 1, { elementId: undefined, elementInstanceKey: undefined, detail: undefined })],
        outbox: [jobOutbox('1', 'a'), jobOutbox('2', 'a')],
        published: [],
      });
      expect(await store.getInstance('a')).toEqual(a);
      expect(await store.getInstance('b')).toEqual(b);
      expect(await store.getInstance('nope')).toBeNull();
      const history = await store.history('a');
      expect(history).toEqual([historyOf('a', 0), { instanceKey: 'a', position: 1, time: 1_700_000_000_001, intent: 'ELEMENT_ACTIVATED' }]);
      expect(await store.history('b')).toEqual([]);
      expect(await store.pendingOutbox()).toEqual([jobOutbox('1', 'a'), jobOutbox('2', 'a')]);
    });

    it('replaces an instance on upsert, the last change in a batch winning', async () => {
      await store.commit({ instances: [instance('a')], history: [], outbox: [], published: [] });
      const changed = instance('a', { variables: { x: 1 }, nextSeq: 9 });
      const done = instance('a', {
        status: 'COMPLETED',
        endedAt: 1_700_000_001_000,
        incidents: { i1: { key: 'i1', type: 'CONDITION', message: 'm', elementId: 'G', elementInstanceKey: 'a-1', createdAt: 1, resume: 'activate' } },
      });
      await store.commit({ instances: [changed], history: [], outbox: [], published: [] });
      expect(await store.getInstance('a')).toEqual(changed);
      await store.commit({ instances: [changed, done], history: [], outbox: [], published: [] });
      expect(await store.getInstance('a')).toEqual(done);
      expect(await store.listInstances({ limit: 10, offset: 0 })).toEqual([
        { key: 'a', definitionKey: 'order:1', bpmnProcessId: 'order', version: 1, status: 'COMPLETED', incidents: 1, startedAt: 1_700_000_000_000, endedAt: 1_700_000_001_000 },
      ]);
    });

    it('deletes published outbox entries, keeping the rest in commit order', async () => {
      await store.commit({ instances: [], history: [], outbox: [jobOutbox('z', 'a'), jobOutbox('y', 'a'), jobOutbox('x', 'a')], published: [] });
      await store.commit({ instances: [], history: [], outbox: [jobOutbox('w', 'a'), jobOutbox('v', 'a')], published: ['y', 'v', 'unknown'] });
      expect((await store.pendingOutbox()).map((e) => e.id)).toEqual(['z', 'x', 'w']);
      await store.commit({ instances: [], history: [], outbox: [], published: ['z', 'x', 'w'] });
      expect(await store.pendingOutbox()).toEqual([]);
    });

    it('lists instances by status, process and definition with limit and offset, newest first', async () => {
      const states = [
        instance('i1', { startedAt: 1000 }),
        instance('i2', { startedAt: 2000, status: 'COMPLETED', endedAt: 2500 }),
        instance('i3', { startedAt: 3000, bpmnProcessId: 'invoice', definitionKey: 'invoice:1' }),
        instance('i4', { startedAt: 4000, definitionKey: 'order:2', version: 2 }),
        instance('i5', { startedAt: 5000, status: 'CANCELED', endedAt: 5100 }),
      ];
      await store.commit({ instances: states, history: [], outbox: [], published: [] });
      const keys = async (filter: Parameters<Store['listInstances']>[0]) => (await store.listInstances(filter)).map((s) => s.key);
      expect(await keys({ limit: 10, offset: 0 })).toEqual(['i5', 'i4', 'i3', 'i2', 'i1']);
      expect(await keys({ limit: 2, offset: 1 })).toEqual(['i4', 'i3']);
      expect(await keys({ status: 'ACTIVE', limit: 10, offset: 0 })).toEqual(['i4', 'i3', 'i1']);
      expect(await keys({ bpmnProcessId: 'order', limit: 10, offset: 0 })).toEqual(['i5', 'i4', 'i2', 'i1']);
      expect(await keys({ definitionKey: 'order:1', status: 'ACTIVE', limit: 10, offset: 0 })).toEqual(['i1']);
      expect(await keys({ bpmnProcessId: 'order', limit: 2, offset: 3 })).toEqual(['i1']);
      expect(await keys({ status: 'COMPLETED', bpmnProcessId: 'invoice', limit: 10, offset: 0 })).toEqual([]);
      const [completed] = await store.listInstances({ status: 'COMPLETED', limit: 1, offset: 0 });
      expect(completed).toEqual({ key: 'i2', definitionKey: 'order:1', bpmnProcessId: 'order', version: 1, status: 'COMPLETED', incidents: 0, startedAt: 2000, endedAt: 2500 });
      const [active] = await store.listInstances({ definitionKey: 'order:1', status: 'ACTIVE', limit: 1, offset: 0 });
      expect(active).not.toHaveProperty('endedAt');
    });

    it('loads only active instances', async () => {
      await store.commit({
        instances: [instance('a1', { startedAt: 1 }), instance('c1', { status: 'COMPLETED', endedAt: 5 }), instance('a2', { startedAt: 2 }), instance('x1', { status: 'CANCELED' })],
        history: [],
        outbox: [],
        published: [],
      });
      expect((await store.loadActiveInstances()).map((s) => s.key)).toEqual(['a1', 'a2']);
      await store.commit({ instances: [instance('a1', { status: 'COMPLETED', endedAt: 9 })], history: [], outbox: [], published: [] });
      expect(await store.loadActiveInstances()).toEqual([instance('a2', { startedAt: 2 })]);
    });

    it('writes nothing of a batch that fails (duplicate history position)', async () => {
      await store.commit({ instances: [instance('a')], history: [historyOf('a', 0)], outbox: [jobOutbox('1', 'a')], published: [] });
      const failing = store.commit({
        instances: [instance('a', { nextSeq: 99 }), instance('b')],
        history: [historyOf('b', 0), historyOf('a', 0)],
        outbox: [jobOutbox('2', 'b')],
        published: ['1'],
      });
      await expect(failing).rejects.toBeInstanceOf(StoreError);
      expect(await store.getInstance('a')).toEqual(instance('a'));
      expect(await store.getInstance('b')).toBeNull();
      expect(await store.history('b')).toEqual([]);
      expect((await store.pendingOutbox()).map((e) => e.id)).toEqual(['1']);
      // and a duplicate inside one batch fails it as well
      await expect(store.commit({ instances: [instance('c')], history: [historyOf('c', 0), historyOf('c', 0)], outbox: [], published: [] })).rejects.toBeInstanceOf(StoreError);
      expect(await store.getInstance('c')).toBeNull();
    });

    it('interleaves deployments and commits without blocking or failing', async () => {
      const work: Promise<void>[] = [];
      for (let i = 0; i < 30; i++) {
        work.push(store.commit({ instances: [instance(`c${i}`)], history: [historyOf(`c${i}`, 0)], outbox: [jobOutbox(`o${i}`, `c${i}`)], published: [] }));
        if (i % 5 === 0) work.push(store.insertDefinitions([definition(`p${i}`, 1), definition(`p${i}`, 2)]));
      }
      await Promise.all(work);
      expect(await store.loadActiveInstances()).toHaveLength(30);
      expect(await store.listDefinitions()).toHaveLength(12);
    });

    it('does not let callers alias stored records', async () => {
      const a = instance('a');
      await store.commit({ instances: [a], history: [], outbox: [], published: [] });
      a.variables.orderId = 'changed after commit';
      const read = await store.getInstance('a');
      expect(read?.variables.orderId).toBe('o-a');
      read!.variables.orderId = 'changed after read';
      expect((await store.getInstance('a'))?.variables.orderId).toBe('o-a');
    });

    it('commits large batches (more rows than one statement takes)', async () => {
      const states = Array.from({ length: 700 }, (_, i) => instance(`k${String(i).padStart(4, '0')}`, { startedAt: i }));
      await store.commit({
        instances: states,
        history: states.flatMap((s) => [historyOf(s.key, 0), historyOf(s.key, 1)]),
        outbox: states.map((s) => jobOutbox(`o${s.key}`, s.key)),
        published: [],
      });
      expect(await store.loadActiveInstances()).toHaveLength(700);
      expect(await store.history('k0699')).toHaveLength(2);
      const outbox = await store.pendingOutbox();
      expect(outbox).toHaveLength(700);
      expect(outbox[0].id).toBe('ok0000');
      expect(outbox[699].id).toBe('ok0699');
      await store.commit({ instances: [], history: [], outbox: [], published: outbox.map((e) => e.id) });
      expect(await store.pendingOutbox()).toEqual([]);
    });

    if (h.reopen) {
      it('keeps everything after closing and reopening', async () => {
        await store.insertDefinitions([definition('order', 1)]);
        await store.commit({ instances: [instance('a')], history: [historyOf('a', 0)], outbox: [jobOutbox('1', 'a')], published: [] });
        store = await h.reopen!(store);
        await store.migrate();
        expect(await store.getDefinition('order:1')).toEqual(definition('order', 1));
        expect(await store.getInstance('a')).toEqual(instance('a'));
        expect(await store.history('a')).toEqual([historyOf('a', 0)]);
        expect(await store.pendingOutbox()).toEqual([jobOutbox('1', 'a')]);
      });
    }
  });
}
