import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const layer = (from, banned, message) => ({
  files: [from],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: banned.map((group) => ({ group: [group], message })) },
    ],
  },
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', '.tmp/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['scripts/**', 'packages/server/bin/**', 'bench/**'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['packages/web/**/*.js', 'packages/web/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Svelte compiles runes in .svelte.js modules; they are not runtime globals.
    files: ['packages/web/**/*.svelte.js', 'packages/web/**/*.svelte.ts'],
    languageOptions: { globals: { $state: 'readonly', $derived: 'readonly', $effect: 'readonly' } },
  },
  {
    // An UPDATE whose SET is computed at run time can end up empty, a syntax error (a 500):
    // repositories write computed patches through store/patch.ts, which skips empty ones.
    files: ['packages/server/src/store/**'],
    ignores: ['packages/server/src/store/patch.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name='set'][arguments.length=1]:not([arguments.0.type='ObjectExpression']):not([arguments.0.type='ArrowFunctionExpression'])",
          message: 'write a computed patch with patchById (store/patch.ts): it skips empty ones',
        },
        {
          selector: "CallExpression[callee.property.name='set'] > ObjectExpression > SpreadElement",
          message: 'write a computed patch with patchById (store/patch.ts): it skips empty ones',
        },
      ],
    },
  },
  {
    // Type-aware rules, each file checked by its own tsconfig (web has its own checks).
    files: ['packages/{protocol,sdk,server}/{src,test}/**/*.ts', 'test/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test runs a file's top-level tests itself: their promises need no await.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
    },
  },
  // Layer boundaries (docs/architecture.md): imports point only down the stack.
  layer(
    'packages/server/src/services/**',
    ['fastify', '**/http/**', '**/cli/**'],
    'services never import HTTP or CLI code',
  ),
  layer(
    'packages/server/src/store/**',
    ['**/services/**', '**/http/**', '**/cli/**', 'fastify'],
    'store never imports services, HTTP or CLI code',
  ),
  layer(
    'packages/server/src/cli/client/**',
    ['**/services/**', '**/store/**', '**/http/**', '../../app.js'],
    'client commands use the SDK only',
  ),
  layer(
    'packages/server/src/{mcp,cli/mcp}/**',
    ['**/services/**', '**/store/**', '**/http/**', '**/app.js'],
    'the MCP server talks to ClickClack through the SDK only',
  ),
  layer(
    'packages/sdk/src/**',
    ['node:*', 'clickclack', '**/server/**'],
    'the SDK uses only fetch and WebSocket',
  ),
);
