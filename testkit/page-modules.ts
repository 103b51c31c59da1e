import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import ts from "typescript";
import type { PageModules } from "../src/sandbox/page-assets.js";
import { repoRoot } from "./run-cli.js";

const pageDir = path.join(repoRoot, "src", "sandbox", "page");

/** The sandbox page's modules compiled from their TypeScript sources, as tsc builds them into dist/. */
export const sourcePageModules: PageModules = async (name) => {
  const source = path.join(pageDir, name.replace(/\.js$/, ".ts"));
  if (!existsSync(source)) return null;
  return ts.transpileModule(await readFile(source, "utf8"), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
};
