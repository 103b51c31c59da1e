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

/** The page's ES modules by file name (`page-main.js`); null for a module it does not have. */
export type PageModules = (name: string) => Promise<string | null>;

/**
 * tsc's output next to this file (dist/src/sandbox/page/). Run from the TypeScript sources (tsx), there is none:
 * the tests and the bench pass a loader that compiles the sources instead (testkit/page-modules.ts).
 */
export const builtPageModules: PageModules = async (name) => {
  const built = fileURLToPath(new URL(`./page/${name}`, import.meta.url));
  return existsSync(built) ? readFile(built, "utf8") : null;
};

/** Serves the page: its HTML and CSS (shipped as files), and its ES modules under /page/. */
export class PageAssets {
  /** What was found only: a path asked for is anyone's choice, and every miss kept would grow it without end. */
  private readonly cache = new Map<string, Asset>();

  constructor(private readonly modules: PageModules = builtPageModules) {}

  async get(pathname: string): Promise<Asset | null> {
    const cached = this.cache.get(pathname);
    if (cached) return cached;
    const asset = await this.load(pathname);
    if (asset) this.cache.set(pathname, asset);
    return asset;
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
    const body = await this.modules(name);
    return body === null ? null : { type: "text/javascript; charset=utf-8", body };
  }
}
