#!/usr/bin/env node
/**
 * Entry of `npm run bench:storm`: loads bench/storm.ts and the test helpers and fakes it imports through
 * @swc/core (a devDependency already), so the benchmark shares the tests' fake Slack and Alertmanager code.
 */
'use strict';
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

let stopping = false;
process.on('SIGINT', () => {
  if (stopping) process.exit(130);
  stopping = true;
  console.error('interrupted: cleaning up (Ctrl-C again to quit at once)');
  process.exitCode = 130;
});

require('./storm.ts')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(process.exitCode ?? code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
