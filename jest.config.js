/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json', diagnostics: { warnOnly: false } }],
    // @angular/core ships only ES modules: compiled to CommonJS for jest (spec/angular).
    '^.+/node_modules/@angular/.+\\.mjs$': '<rootDir>/spec/angular/esm-transform.js',
    // jose (signed bearer tokens) ships only ES modules too.
    '^.+/node_modules/jose/.+\\.js$': '<rootDir>/spec/angular/esm-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!@angular/|jose/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  moduleNameMapper: {
    // import.meta does not exist under CommonJS: jest gets the CJS stand-in.
    '(^|/)stdio-module-url\\.js$': '<rootDir>/spec/support/stdio-module-url.cjs.js',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // The validators and the streams loaded up front, as a Node user has them (no process-wide state).
  setupFilesAfterEnv: ['<rootDir>/spec/support/node-platform.setup.ts'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/spec/support/summary-reporter.js'],
};
