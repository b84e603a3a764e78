import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import lantern from './scripts/lint/layers-rule.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/electron-abi/**', 'out/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { lantern },
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'lantern/layers': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['renderer/**', 'scripts/preview/bridge.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**'],
    rules: { 'no-restricted-properties': ['error', { object: 'it', property: 'only' }, { object: 'describe', property: 'only' }, { object: 'it', property: 'skip' }, { object: 'describe', property: 'skip' }, { object: 'test', property: 'only' }] },
  },
);
