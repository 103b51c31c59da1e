import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { findPackageFile } from "../django/helper.js";

export interface Asset {
  type: string;
  body: string;
}

const MODULE_NAME = /^[a-z-]+\.js$/;
const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};

/** The page's modules: tsc's output next to this file when built, else the TypeScript sources transpiled once. */
async function pageModule(name: string): Promise<string | null> {
  const built = fileURLToPath(new URL(`./page/${name}`, import.meta.url));
  if (existsSync(built)) return readFile(built, "utf8");
  const source = built.replace(/\.js$/, ".ts");
  if (!existsSync(source)) return null;
  // Running from the sources (tsx, the tests): the TypeScript compiler, a development dependency, strips the types.
  const ts = (await import("typescript")).default;
  const output = ts.transpileModule(await readFile(source, "utf8"), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: false },
  });
  return output.outputText;
}

/** Serves the page: its HTML and CSS (shipped as files), and its ES modules under /page/. */
export class PageAssets {
  private readonly cache = new Map<string, Asset | null>();

  async get(pathname: string): Promise<Asset | null> {
    if (!this.cache.has(pathname)) this.cache.set(pathname, await this.load(pathname));
    return this.cache.get(pathname) ?? null;
  }

  private async load(pathname: string): Promise<Asset | null> {
    const known = STATIC[pathname];
    if (known)
      return {
        type: known.type,
        body: await readFile(findPackageFile(`src/sandbox/page/${known.file}`), "utf8"),
      };
    const name = pathname.startsWith("/page/") ? pathname.slice("/page/".length) : "";
    if (!MODULE_NAME.test(name)) return null;
    const body = await pageModule(name);
    return body === null ? null : { type: "text/javascript; charset=utf-8", body };
  }
}
