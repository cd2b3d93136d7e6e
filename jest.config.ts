/** @jest-config-loader esbuild-register */
// Unit and integration tests (no browser). Browser tests live in jest.e2e.config.ts.
import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$', '/test/faults/'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  setupFiles: ['<rootDir>/test/helpers/no-internet.ts'],
  testTimeout: 30_000,
  // Two cores: two workers keep the machine responsive while the database does real work.
  maxWorkers: process.env.JEST_WORKERS ?? 2,
};
export default config;
