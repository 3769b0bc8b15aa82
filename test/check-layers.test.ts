import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const { check } = require('../.ci/check-layers.js') as { check: (root: string) => string[] };

const DOC = `# Layers
<!-- layers:start -->
1. domain: \`domain/\`
2. ports: \`ports/\` \`rollback/deployer.ts\`
3. adapters: \`slack/\` \`rollback/\` \`store/\`
4. composition: \`app.ts\`

private: \`slack/\`
<!-- layers:end -->
`;

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'mogo-layers-'));
  for (const [file, text] of Object.entries({ 'docs/architecture.md': DOC, ...files })) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

describe('.ci/check-layers.js', () => {
  it('passes on this repository', () => {
    expect(check(join(__dirname, '..'))).toEqual([]);
  });

  it('allows imports down and sideways, the most specific path deciding a file’s layer', () => {
    const root = tree({
      'src/domain/group.ts': 'export const g = 1;\n',
      'src/ports/index.ts': "import type { G } from '../domain/group';\n",
      'src/rollback/deployer.ts': "export type { G } from '../ports';\n",
      'src/rollback/argocd.ts': "import { g } from '../store/pg';\nimport type { D } from './deployer';\n",
      'src/store/pg.ts': '',
      'src/slack/chat.ts': "import { x } from '../rollback/argocd';\n",
      'src/slack/chat.test.ts': "import { y } from '../../test/fakes/clock';\n",
      'src/app.ts': "import { c } from './slack/chat';\n",
    });
    expect(check(root)).toEqual([]);
  });

  it('names every import that points up, and every file in no layer', () => {
    const root = tree({
      'src/domain/group.ts': "import { c } from '../slack/chat';\nconst p = import('../ports');\n",
      'src/rollback/deployer.ts': "export { a } from './argocd';\n",
      'src/rollback/argocd.ts': '',
      'src/slack/chat.ts': '',
      'src/ports/index.ts': '',
      'src/stray.ts': '',
      'src/store/pg.ts': "import { c } from '../slack/chat';\n",
    });
    expect(check(root).sort()).toEqual([
      'src/domain/group.ts (domain) imports ../ports (ports): a lower layer may not import a higher one',
      'src/domain/group.ts (domain) imports ../slack/chat (adapters): a lower layer may not import a higher one',
      'src/rollback/deployer.ts (ports) imports ./argocd (adapters): a lower layer may not import a higher one',
      'src/store/pg.ts (adapters) imports ../slack/chat: only slack/ itself and higher layers may',
      'src/stray.ts: in no layer of docs/architecture.md',
    ]);
  });
});
