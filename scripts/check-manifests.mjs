#!/usr/bin/env node
/**
 * Validates every object in deploy/kubernetes/*.yaml against the Kubernetes API schemas, offline, with
 * kubernetes-models (its classes carry the OpenAPI schema of each kind). Prints one line per object and one per
 * problem; exit 1 on any problem or unknown kind. Run by test/deploy/deploy-files.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const dir = process.argv[2] ?? join(import.meta.dirname, '..', 'deploy', 'kubernetes');
let failed = false;
for (const file of readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()) {
  for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
    const obj = doc.toJS();
    if (!obj) continue;
    const [group, version] = obj.apiVersion.includes('/')
      ? obj.apiVersion.split('/')
      : [null, obj.apiVersion];
    const module = group
      ? `kubernetes-models/${group}/${version}/${obj.kind}`
      : `kubernetes-models/${version}/${obj.kind}`;
    const where = `${file}: ${obj.kind}/${obj.metadata?.name}`;
    let Model;
    try {
      Model = (await import(module))[obj.kind];
    } catch {
      console.log(`${where}: unknown kind ${obj.apiVersion} ${obj.kind}`);
      failed = true;
      continue;
    }
    try {
      new Model(obj).validate();
      console.log(`${where}: ok`);
    } catch (err) {
      console.log(`${where}: ${err.message}`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
