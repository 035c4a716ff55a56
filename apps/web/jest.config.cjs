/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/jest.environment.cjs',
  // jsdom would pick the packages' "browser" (ESM) builds; jest runs CommonJS.
  testEnvironmentOptions: { customExportConditions: ['require', 'node', 'default'] },
  roots: ['<rootDir>/src'],
  setupFilesAfterEnv: ['<rootDir>/src/test/setup.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: { '\\.css$': 'identity-obj-proxy' },
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  // Room for the 5 s waits of src/test/setup.ts on a loaded machine.
  testTimeout: 20000,
};
