import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { pg } from "../../../testkit/postgres.js";

/** A psql session kept open, fed statements on stdin, answering one line per query (-tA). */
class PsqlSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiter: (() => void) | null = null;

  constructor(database: string) {
    this.child = spawn(
      "psql",
      [
        "-X",
        "-q",
        "-tA",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        pg.host,
        "-p",
        pg.port,
        "-U",
        pg.user,
        "-d",
        database,
      ],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      this.lines.push(line);
      this.waiter?.();
    });
  }

  /** Sends the statements and waits for the next line of output. */
  async ask(sql: string): Promise<string> {
    const answered = new Promise<void>((resolve) => {
      this.waiter = resolve;
    });
    this.child.stdin.write(`${sql}\n`);
    if (this.lines.length === 0) await answered;
    this.waiter = null;
    return this.lines.shift() ?? "";
  }

  async close(sql: string): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin.end(`${sql}\n`);
    await exited;
  }
}

export interface HeldLock {
  /** The holding session's backend pid. */
  pid: number;
  release(): Promise<void>;
}

/** Another session takes `mode` on the table in an open transaction, until `release()` commits. */
export async function holdLock(database: string, table: string, mode: string): Promise<HeldLock> {
  const session = new PsqlSession(database);
  await session.ask(`BEGIN; LOCK TABLE ${table} IN ${mode} MODE; SELECT 'locked';`);
  const pid = Number(await session.ask("SELECT pg_backend_pid();"));
  return { pid, release: () => session.close("COMMIT;") };
}

export interface Readers {
  /** Stops reading; the wall time of every read, in milliseconds. */
  stop(): Promise<number[]>;
}

/** A third session reading the table in a loop, timing each read as the application would see it. */
export function readContinuously(database: string, table: string): Readers {
  const session = new PsqlSession(database);
  const waits: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await session.ask(`SELECT count(*) FROM ${table};`);
      waits.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await session.close("");
      return waits;
    },
  };
}
