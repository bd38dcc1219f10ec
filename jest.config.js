/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  roots: ['<rootDir>/tests'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testMatch: ['**/*.test.ts'],
  // A run that executes no test is a failure, never a silent green.
  passWithNoTests: false,
  testTimeout: 60000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/tests/global-setup.js',
  collectCoverageFrom: ['lib/**/*.ts', 'server/**/*.ts', 'cli/**/*.ts'],
  coverageThreshold: { global: { lines: 70, branches: 55 } },
};
