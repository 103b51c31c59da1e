import path from "node:path";
import type { ClassifiedOperation } from "../domain/classify/classification.js";
import type { Introspection, MigrationKey } from "../domain/classify/migration.js";

/** A place in the user's repository, as CI annotations and SARIF want it. */
export interface SourceLocation {
  /** Relative to the working directory phasegate ran in (the repository root in CI), with forward slashes. */
  file: string;
  line: number;
}

/** Where Python put a file: relative to the project directory, or absolute; made relative to the working directory. */
export function repositoryPath(projectDir: string, file: string): string {
  const absolute = path.resolve(projectDir, file);
  return path.relative(process.cwd(), absolute).split(path.sep).join("/");
}

/** Finds migration files and operation lines in the introspection. */
export class MigrationLocations {
  constructor(
    private readonly introspection: Introspection,
    private readonly projectDir: string,
  ) {}

  private pending(key: MigrationKey) {
    return this.introspection.pending.find((m) => m.app === key.app && m.name === key.name);
  }

  /** The migration file, at line 1 (or null when Python did not say where it is). */
  ofMigration(key: MigrationKey): SourceLocation | null {
    const file = this.pending(key)?.file;
    return file ? { file: repositoryPath(this.projectDir, file), line: 1 } : null;
  }

  /** The line of the operation in its migration file; nested operations ("2.db.0") point at their parent. */
  ofOperation(operation: ClassifiedOperation): SourceLocation | null {
    const key = { app: operation.app, name: operation.migration };
    const migrationPlace = this.ofMigration(key);
    if (!migrationPlace) return null;
    const index = Number(operation.path.split(".")[0]);
    const line = this.pending(key)?.operations.find((o) => o.index === index)?.line;
    return { ...migrationPlace, line: line ?? 1 };
  }
}
