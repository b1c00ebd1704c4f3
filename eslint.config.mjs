import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.azurite/**',
      'coverage/**',
      'test/fixtures/apps/**',
      '*.config.js',
      '*.config.mjs',
      'bin/**',
      'bench/**/*.js',
      'demo/**/*.js',
      'scripts/**/*.js',
      'scripts/**/*.mjs',
      'dashboard/*.js',
      '.dependency-cruiser.cjs',
      'test/support/**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The host emulates a wire protocol of untyped JSON; the app never imports it.
    files: ['src/host/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../functions/*', '**/functions/*'],
              message: 'The host loads the app from package.json main; it must not import it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['functions/**/*.ts', 'src/**/*.ts'],
    ignores: ['src/host/**', 'src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/host/*', '**/host'], message: 'The app must not know which host runs it.' },
          ],
        },
      ],
    },
  },
  {
    // Orchestrators replay: no I/O, no clocks, no randomness, no inference (use activities).
    files: ['src/orchestrations/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                'fs',
                'path',
                'crypto',
                'http',
                'https',
                'child_process',
                'worker_threads',
                'os',
              ],
              message: 'Orchestrators must be deterministic: do I/O in activities.',
            },
            {
              group: [
                '@azure/storage-*',
                '@azure/data-tables',
                'onnxruntime-node',
                '**/storage/*',
                '**/scoring/activities/*',
              ],
              message: 'Orchestrators must not do I/O or inference: call an activity.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Use context.df.currentUtcDateTime.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Orchestrators must be deterministic.',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
