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
  // every source counts, none excluded (scripts/test-with-coverage.js also counts the ones no
  // test loads, which jest leaves out since its roots are tests/)
  collectCoverageFrom: ['lib/**/*.ts', 'server/**/*.ts', 'cli/**/*.ts'],
  // V8's own counters: no instrumentation pass over every source, and the same measure
  // scripts/test-with-coverage.js takes from the `integralgit` processes the tests start.
  // The floors live in scripts/coverage/thresholds.js and apply to that merged figure (jest's
  // coverageThreshold would judge the in-process half alone); `npm test` enforces them.
  coverageProvider: 'v8',
};
