import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_START_PARAMS } from '../../src/store/embedded/pglite-init';

/**
 * A new PGlite database runs initdb, several seconds of CPU each, and the suite opens hundreds (every
 * startTestApp, every contract run): on a loaded 2-core CI machine one took 13–27 s. A dump of one freshly
 * initialised cluster, made once and kept with the installed packages, starts a database in a fraction of that
 * (measured 1.5–2.3 s against 27.7 s under the same load). The dump is of an empty cluster, so migrations still
 * run as they do in production and their tests see what they always saw.
 */
const ENV = 'MOGO_TEST_PGLITE_TEMPLATE';
const ROOT = join(__dirname, '../..');

/** Makes the template unless this PGlite version's is already there, and tells the test workers where it is. */
export async function ensurePgliteTemplate(): Promise<void> {
  const { version } = JSON.parse(
    readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
  ) as { version: string };
  const dir = join(ROOT, 'node_modules/.cache/mogo');
  const file = join(dir, `pglite-template-${version}.tar`);
  if (!existsSync(file)) {
    const pg = await PGlite.create({ startParams: [...PGLITE_START_PARAMS] });
    try {
      const dump = await pg.dumpDataDir('none');
      mkdirSync(dir, { recursive: true });
      // another run may be writing the same file: each writes its own, the rename is atomic
      const partial = `${file}.${process.pid}`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, file);
    } finally {
      await pg.close();
    }
  }
  process.env[ENV] = file;
}

let cached: Blob | undefined;

/** The template for createPgliteDb({ template }), or undefined outside a run that made one. */
export function pgliteTemplate(): Blob | undefined {
  const file = process.env[ENV];
  if (!file || !existsSync(file)) return undefined;
  cached ??= new Blob([readFileSync(file)]);
  return cached;
}
