import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface ShopDatabase {
  python: string;
  /** Directory of the manage.py to run (examples/shop or a copy of it). */
  projectDir: string;
  databaseUrl: string;
}

/** `manage.py migrate ARGS` run directly, outside phasegate: the setup before a story, or the naive path. */
export async function migrate(db: ShopDatabase, args: string[]): Promise<void> {
  try {
    await run(db.python, ["manage.py", "migrate", ...args, "--no-input", "-v", "0"], {
      cwd: db.projectDir,
      env: { ...process.env, DATABASE_URL: db.databaseUrl },
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(
      `manage.py migrate ${args.join(" ")} failed: ${stderr.trim().slice(-800) || (error as Error).message}`,
    );
  }
}
