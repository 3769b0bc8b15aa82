/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 30000,
  // creates the `test` database when it is missing (a fresh machine)
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  // real PostgreSQL, Redis and child processes: keep parallelism modest on a 2-core machine
  maxWorkers: 2,
};
