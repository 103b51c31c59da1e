import { cp, rm } from "node:fs/promises";
import path from "node:path";

/** A release of the shop as a deploy pipeline checks it out: the tree at that release, with its migrations. */
export interface Release {
  version: string;
  /** Migration files (relative to the project) that this release does not ship yet. */
  withoutMigrations: string[];
  /** Files this release adds: path in the project → absolute path of the file to copy there. */
  addedFiles?: Record<string, string>;
}

/** Release v2 ships the expand migration; 0003 (the contract) only comes with v3. */
export const STORY: Release[] = [
  { version: "v2", withoutMigrations: ["catalog/migrations/0003_remove_product_is_enabled.py"] },
  { version: "v3", withoutMigrations: [] },
];

/** Replaces `dir` with the shop at `shopDir` as of `release` (caches and SQLite files left out). */
export async function checkOut(shopDir: string, dir: string, release: Release): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await cp(shopDir, dir, {
    recursive: true,
    filter: (source) => !/__pycache__|\.sqlite3$/.test(path.basename(source)),
  });
  for (const file of release.withoutMigrations) await rm(path.join(dir, file));
  for (const [file, source] of Object.entries(release.addedFiles ?? {}))
    await cp(source, path.join(dir, file));
}
