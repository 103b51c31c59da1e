import type { MigrationKey } from "../classify/migration.js";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The migration source with its dependency tuple on `from` naming `to` instead; null when the tuple is not found. */
export function retargetDependency(source: string, from: MigrationKey, to: MigrationKey): string | null {
  const tuple = new RegExp(
    `\\(\\s*(['"])${escapeRegExp(from.app)}\\1\\s*,\\s*(['"])${escapeRegExp(from.name)}\\2\\s*\\)`,
  );
  if (!tuple.test(source)) return null;
  return source.replace(tuple, (_, q1: string, q2: string) => `(${q1}${to.app}${q1}, ${q2}${to.name}${q2})`);
}
