import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { SandboxError } from "./sandbox-error.js";

const run = promisify(execFile);

/** How long one psql may take; a server that accepts connections and never answers would hold it for good. */
const PSQL_TIMEOUT_MS = 15_000;

async function psql(url: string, sql: string, timeoutMs = PSQL_TIMEOUT_MS): Promise<string> {
  const { stdout } = await run("psql", [url, "-v", "ON_ERROR_STOP=1", "-tAc", sql], { timeout: timeoutMs });
  return stdout.trim();
}

/** The URL of database `name` on the server `serverUrl` names (same user, host and port). */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Throws what to do when the PostgreSQL server does not answer (or psql is missing). */
export async function checkPostgres(serverUrl: string, timeoutMs = PSQL_TIMEOUT_MS): Promise<void> {
  try {
    await psql(serverUrl, "SELECT 1", timeoutMs);
  } catch (error) {
    const failed = error as NodeJS.ErrnoException & {
      stderr?: string;
      killed?: boolean;
      signal?: string | null;
    };
    const said = failed.stderr?.trim().split("\n")[0];
    const why =
      failed.code === "ENOENT"
        ? "psql is not installed"
        : failed.killed
          ? `no answer within ${timeoutMs / 1000} s`
          : said || (failed.signal ? `psql was ended by ${failed.signal}` : failed.message.split("\n")[0]);
    throw new SandboxError(
      `PostgreSQL does not answer at ${serverUrl} (${why}). Start it with \`bash scripts/bootstrap.sh\` (or \`pg_ctlcluster <version> main start\`), or set DATABASE_URL to a server this user may create databases on.`,
    );
  }
}

/** A database of its own on the server; its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  await psql(serverUrl, `CREATE DATABASE ${name}`);
  return databaseUrl(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await psql(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
