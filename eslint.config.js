import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "node_modules/", ".cache/", "public/build/", "test-results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "no-console": ["error", { allow: ["warn", "error"] }],
      // The server does not bundle its packages, so what a module imports, every server process
      // loads and keeps. "date-fns" would load all of its 250 functions (10 MB a process) for
      // the dozen the app uses; exceljs (27 MB) and nodemailer (14 MB) are loaded when first
      // needed (app/exports/exceljs.server.ts, mailTransport), as most processes never need them.
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "date-fns", message: 'Import each function from its own module: "date-fns/addMinutes".' },
            { name: "exceljs", allowTypeImports: true, message: "Load it with loadExcelJS() (app/exports/exceljs.server.ts)." },
            { name: "nodemailer", allowTypeImports: true, message: "Load it when the first mail is sent: await import(\"nodemailer\")." },
          ],
        },
      ],
    },
  },
  {
    // The command line and scripts talk to a terminal.
    files: ["cli/**", "seeds/**", "server/**", "bench/**", "tests/**", "scripts/**", ".ci/**"],
    rules: { "no-console": "off" },
  },
  {
    // Tests read and write workbooks themselves; a test's memory is not the server's.
    files: ["tests/**", "**/*.test.ts", "**/*.test.tsx", "bench/**"],
    rules: { "@typescript-eslint/no-restricted-imports": "off" },
  },
);
