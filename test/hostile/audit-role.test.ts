import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/logger';
import { openStorage, type Storage } from '../../src/store';
import { verifyChain } from '../../src/store/audit-chain';
import type { Db } from '../../src/store/db';
import { MIGRATIONS, migrate } from '../../src/store/migrations';
import { createPgDb } from '../../src/store/postgres/pg-db';
import { postWebhook, readJson, startTestApp, type TestApp } from '../helpers/app-harness';
import {
  POSTGRES_URL,
  randomName,
  requirePostgres,
  type TestPostgres,
  testPostgres,
} from '../helpers/services';

/** The grants docs/audit.md gives the app's role: audit_log INSERT and SELECT only. */
const grants = (schema: string, role: string) => [
  `GRANT USAGE ON SCHEMA "${schema}" TO ${role}`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO ${role}`,
  `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "${schema}" TO ${role}`,
  `REVOKE UPDATE, DELETE, TRUNCATE ON "${schema}".audit_log FROM ${role}`,
  `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "${schema}".schema_migrations FROM ${role}`,
];

/** Issue 9, item 6: mogo runs with a role that can only INSERT and SELECT audit_log; history stays as written. */
(requirePostgres() ? describe : describe.skip)(
  'the app with an INSERT/SELECT-only audit role (real PostgreSQL)',
  () => {
    let pg: TestPostgres;
    let owner: Db;
    let app: Db;
    let t: TestApp;
    const role = randomName('mogo_app');

    beforeAll(async () => {
      pg = testPostgres();
      owner = await pg.open(); // migrated by the owner, as MIGRATION_DATABASE_URL does
      await owner.query(`CREATE ROLE ${role} LOGIN`);
      for (const sql of grants(pg.schema, role)) await owner.query(sql);
      const url = new URL(POSTGRES_URL);
      url.username = role;
      url.searchParams.set('options', `-c search_path=${pg.schema}`);
      app = await createPgDb({ connectionString: url.toString(), max: 4 });
      t = await startTestApp({ db: app });
    });
    afterAll(async () => {
      await t.close();
      await app.close();
      await pg.drop();
      const admin = await createPgDb({ connectionString: POSTGRES_URL, max: 1 });
      await admin.query(`DROP ROLE IF EXISTS ${role}`).finally(() => admin.close());
    });

    it('records notifications and audits them', async () => {
      const body = JSON.parse(
        readFileSync(join(__dirname, '../fixtures/alertmanager/firing-3-alerts.json'), 'utf8'),
      );
      const res = await postWebhook(t.url, body);
      expect(res.status).toBe(200);
      expect((await readJson(res)).status).toBe('recorded');
      await t.audit.flush();
      expect(await t.audit.list({ action: 'alert.received' })).toHaveLength(1);
    });

    it.each([
      ['ALTER TABLE … DISABLE TRIGGER', 'ALTER TABLE audit_log DISABLE TRIGGER USER'],
      ['DROP TRIGGER', 'DROP TRIGGER audit_log_chain ON audit_log'],
      ['DROP TRIGGER (append-only)', 'DROP TRIGGER audit_log_append_only ON audit_log'],
      [
        'replacing the trigger function',
        'CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$',
      ],
      ['UPDATE', "UPDATE audit_log SET actor = 'UEVE'"],
      ['DELETE', 'DELETE FROM audit_log'],
      ['TRUNCATE', 'TRUNCATE audit_log'],
    ])('%s is refused to it', async (_, sql) => {
      await expect(app.query(sql)).rejects.toMatchObject({ code: '42501' });
    });

    it('an INSERT dated 2020 with another actor gets the time of now and its place in the chain', async () => {
      await app.query(
        `INSERT INTO audit_log (occurred_at, actor, action, subject, seq, hash)
       VALUES ('2020-01-01T00:00:00Z', 'UBOSS', 'alert.acknowledged', 'group:x', 1, 'forged')`,
      );
      const { rows } = await owner.query<{ y: number; seq: string }>(
        "SELECT extract(year FROM occurred_at)::int AS y, seq::text AS seq FROM audit_log WHERE actor = 'UBOSS'",
      );
      expect(rows[0]!.y).toBeGreaterThan(2020);
      expect(Number(rows[0]!.seq)).toBeGreaterThan(1);
      expect(await verifyChain(owner)).toMatchObject({ ok: true });
    });
  },
);

/** What docs/audit.md adds so an upgrade's new tables reach the app's role without another GRANT. */
const defaultPrivileges = (schema: string, role: string) => [
  `ALTER DEFAULT PRIVILEGES IN SCHEMA "${schema}" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA "${schema}" GRANT USAGE, SELECT ON SEQUENCES TO ${role}`,
];

/** `mogo serve`'s storage as docs/audit.md sets it up: the owner migrates (MIGRATION_DATABASE_URL), the role serves. */
(requirePostgres() ? describe : describe.skip)(
  'an upgrade with MIGRATION_DATABASE_URL (real PostgreSQL)',
  () => {
    const role = randomName('mogo_app');
    const pg = testPostgres();
    const urlOf = (user?: string) => {
      const url = new URL(POSTGRES_URL);
      if (user) url.username = user;
      url.searchParams.set('options', `-c search_path=${pg.schema}`);
      return url.toString();
    };
    let storage: Storage | undefined;
    afterAll(async () => {
      await storage?.close();
      await pg.drop();
      const admin = await createPgDb({ connectionString: POSTGRES_URL, max: 1 });
      await admin.query(`DROP ROLE IF EXISTS ${role}`).finally(() => admin.close());
    });

    it('the owner applies the new migrations; the limited role serves their tables and cannot touch audit_log', async () => {
      const owner = await pg.open({ migrate: false });
      const last = MIGRATIONS.at(-1)!.version;
      await migrate(
        owner,
        MIGRATIONS.filter((m) => m.version < last),
      ); // the release before
      await owner.query(`CREATE ROLE ${role} LOGIN`);
      for (const sql of [...grants(pg.schema, role), ...defaultPrivileges(pg.schema, role)])
        await owner.query(sql);

      storage = await openStorage({
        databaseUrl: urlOf(role),
        migrationDatabaseUrl: urlOf(),
        dataDir: '/nonexistent',
        logger: createLogger('silent'),
      });
      const { rows } = await owner.query<{ v: number }>(
        'SELECT max(version)::int AS v FROM schema_migrations',
      );
      expect(rows[0]!.v).toBe(last);
      const { rows: who } = await storage.db.query<{ u: string }>('SELECT current_user AS u');
      expect(who[0]!.u).toBe(role);

      const declared = await storage.incidents.declare(
        {
          id: 'inc-upgrade',
          title: 'after the upgrade',
          severity: 'SEV3',
          mode: 'thread',
          private: false,
          lead: 'UALICE',
          declaredBy: 'UALICE',
          groupIds: [],
          thread: { channel: 'C1', ts: '1.1' },
          steps: [],
        },
        [{ actor: 'UALICE', action: 'incident.declared', subject: 'incident:inc-upgrade' }],
      );
      expect(declared.kind).toBe('declared');
      await expect(storage.db.query('DELETE FROM audit_log')).rejects.toMatchObject({ code: '42501' });
      expect(await verifyChain(owner)).toMatchObject({ ok: true, rows: 1 });
    });
  },
);
