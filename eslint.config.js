// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/build/**', '**/dist/**', '.overseer/**', 'runs/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // CommonJS entry points (native addon loaders, install scripts) use require by necessity.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The bottom room: every room may use util/, so util/ imports nothing of ours but the one
    // error class.
    files: ['packages/overseer/src/util/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*', '!../errors.ts'],
              message: 'util/ is the bottom room: it imports nothing of ours but errors.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    // The invariant that makes supervision process-based: an overseer judges a proposed step on
    // paper and never sees its consequences, so nothing under overseers/ may import outcomes/.
    files: ['packages/overseer/src/overseers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/outcomes/**', '**/outcomes', '**/outcomes.ts'],
              message:
                'Overseers judge on paper: they must never import outcomes/ (see docs/architecture.md).',
            },
          ],
        },
      ],
    },
  },
);
