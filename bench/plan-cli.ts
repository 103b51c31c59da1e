import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** Newest TypeScript source (the Python helper is read from src/ by the built CLI too, so it does not count). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (!entry.isDirectory() && !entry.name.endsWith(".ts")) continue;
    const mtime = entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

/** The built CLI when dist/ is up to date with src/, otherwise the TypeScript sources through tsx. */
export function cliCommand(root: string): { argv: string[]; how: string } {
  const built = path.join(root, "dist", "src", "cli", "main.js");
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(path.join(root, "src"))) {
    return { argv: [process.execPath, built], how: "built CLI" };
  }
  const how = existsSync(built) ? "tsx (dist/ is older than src/: run npm run build)" : "tsx";
  return { argv: [process.execPath, "--import", "tsx", path.join(root, "src", "cli", "main.ts")], how };
}
