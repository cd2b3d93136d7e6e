/** @jest-config-loader esbuild-register */
// The fault suite (`npm run test:faults`): real server processes on one PostgreSQL database, killed,
// starved of their database, fed failing fakes of Meta and OpenRouter. Needs TEST_DATABASE_URL.
// One file at a time: the scenarios start several processes each and must not starve one another.
import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  setupFiles: ['<rootDir>/test/helpers/no-internet.ts'],
  testTimeout: 240_000,
  maxWorkers: 1,
};
export default config;
