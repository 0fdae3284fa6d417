// Boundaries after bulletproof-react: a feature imports no other feature (the app composes
// them), shared code (components, lib, stores) imports no feature and no app code, and
// there are no import cycles.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import js from "@eslint/js";
import eslintConfigPrettier from "eslint-config-prettier/flat";
import importPlugin from "eslint-plugin-import";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

const features = readdirSync(join(import.meta.dirname, "src/features"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/lib/api-schema.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { import: importPlugin, "react-hooks": reactHooks },
    settings: {
      "import/resolver": { typescript: { project: "./tsconfig.json" } },
    },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      "import/no-cycle": "error",
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            ...features.map((feature) => ({
              target: `./src/features/${feature}`,
              from: "./src/features",
              except: [`./${feature}`],
              message: "features do not import each other: compose them in src/app",
            })),
            { target: "./src/features", from: "./src/app", message: "features do not import the app" },
            {
              target: ["./src/components", "./src/lib", "./src/stores"],
              from: ["./src/features", "./src/app"],
              message: "shared code imports no feature and no app code",
            },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Last: turns off every rule about layout, which is Prettier's (npm run format).
  eslintConfigPrettier,
);
