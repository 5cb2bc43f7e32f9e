// ESLint flat config: typescript-eslint's recommended rules over the sources and
// tests, ESLint's over the CommonJS benchmarks and scripts. `npm run lint`; part of
// `npm test`. Not type-aware: recommendedTypeChecked takes ~35 s here, over the budget
// for a step of every test run. A disable names its rule and gives a reason
// (`// eslint-disable-next-line rule -- why`); one that suppresses nothing is an error.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  {
    ignores: ["dist/**", ".test-build/**", "node_modules/**", "figures/**", "notebooks/**", "data/**"],
  },
  {
    files: ["src/**/*.ts", "test/**/*.ts", "scripts/**/*.ts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // `import x = require("m")` is TypeScript's typed import of a CommonJS `export =` module.
      "@typescript-eslint/no-require-imports": ["error", { allowAsImport: true }],
      // `_name` marks a parameter kept for its position; `{ omitted: _, ...rest }` drops a key.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    files: ["bench/**/*.js", "scripts/**/*.js"],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node, ...globals.commonjs } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
);
