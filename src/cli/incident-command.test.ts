import { openPglite } from '../../test/helpers/services';
import type { Db } from '../store/db';
import { createSqlIncidentStore } from '../store/sql-incident-store';
import { incidentExport } from './incident-command';

describe('mogo incident export', () => {
  let db: Db;
  const run = async (args: string[]) => {
    let out = '';
    let err = '';
    const io = {
      out: (s: string) => {
        out += s;
      },
      err: (s: string) => {
        err += s;
      },
    };
    const code = await incidentExport(db, args, io);
    return { code, out, err };
  };

  beforeAll(async () => {
    db = await openPglite();
    const store = createSqlIncidentStore(db);
    await store.declare(
      {
        id: 'i1',
        title: 'DB down',
        severity: 'SEV1',
        mode: 'channel',
        private: false,
        lead: 'ULEAD',
        declaredBy: 'ULEAD',
        groupIds: [],
        thread: null,
        steps: [],
      },
      [],
    );
    await store.addTimeline('i1', [
      { kind: 'note', at: new Date(), author: 'UBOB', text: 'failover started', sourceRef: null },
    ]);
    await store.addFollowUp('i1', { text: 'test failover monthly', author: 'ULEAD', at: new Date() });
  }, 60_000);
  afterAll(() => db?.close());

  it('prints the Markdown draft by default', async () => {
    const { code, out } = await run(['1']);
    expect(code).toBe(0);
    expect(out).toContain('# Incident 1: DB down');
    expect(out).toContain('failover started');
    expect(out).toContain('- [ ] test failover monthly');
  });

  it('prints what the draft is written from as JSON', async () => {
    const { code, out } = await run(['#1', '--format', 'json']);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.incident).toMatchObject({ number: 1, title: 'DB down', roles: { lead: 'ULEAD' } });
    expect(json.timeline.map((e: { kind: string }) => e.kind)).toEqual(['declared', 'note']);
    expect(json.durations.toResolveMs).toBeNull();
  });

  it('says what is wrong: no such incident (1), bad usage (2)', async () => {
    expect(await run(['9'])).toMatchObject({ code: 1, err: 'mogo incident export: no incident 9\n' });
    expect((await run([])).code).toBe(2);
    expect((await run(['1', '--format', 'pdf'])).err).toContain('--format must be md or json');
  });
});
