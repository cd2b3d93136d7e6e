/** @jest-config-loader esbuild-register */
// Browser tests in headless Chromium (playwright-core with the system /usr/bin/chromium).
import type { Config } from 'jest';
import base from './jest.config';

const config: Config = {
  ...base,
  testMatch: ['**/*.e2e.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 90_000,
  maxWorkers: 1,
};
export default config;
