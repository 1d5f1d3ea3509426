// Native-ESM jest (NestJS 12 is ESM-only); run through `npm test`. SWC compiles TypeScript with decorator metadata.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/libs', '<rootDir>/apps/api', '<rootDir>/apps/worker', '<rootDir>/apps/cli', '<rootDir>/apps/console/src', '<rootDir>/e2e', '<rootDir>/migrations', '<rootDir>/bench'],
  testRegex: '.*\\.(spec|int-spec|e2e-spec)\\.tsx?$',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  moduleNameMapper: {
    '^@app/migrations$': '<rootDir>/migrations/index.ts',
    '^@app/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.tsx?$': ['@swc/jest', swc] },
  testTimeout: 60000,
  maxWorkers: 2,
  // PGlite's wasm runtime keeps timers alive after close; every test closes what it opens.
  forceExit: true,
  globalSetup: '<rootDir>/e2e/support/global-setup.ts',
  globalTeardown: '<rootDir>/e2e/support/global-teardown.ts',
};
