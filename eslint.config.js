// Flat config: recommended JavaScript and TypeScript rules for the site, the
// harness and the examples' code, plus the Rules of Hooks for React files.
import js from '@eslint/js';
import {defineConfig} from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'build/',
      '.docusaurus/',
      '.cache/',
      '.tmp/',
      '**/node_modules/',
      'examples/**/dist/',
      'test-results/',
      'playwright-report/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // The two classic hook rules. The React Compiler rules in the plugin's
    // recommended set also flag reading localStorage into state after
    // hydration, which static pages need.
    files: ['src/**/*.{ts,tsx}'],
    plugins: {'react-hooks': reactHooks},
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {...globals.node, ...globals.browser},
    },
    rules: {
      // `_name` marks a parameter that a signature requires but the body ignores.
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
    },
  },
);
