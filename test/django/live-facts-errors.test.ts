import { once } from "node:events";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveFactsSettings, liveFactsReader } from "../../src/django/live-facts.js";
import { LocalProcessExecutor } from "../../src/executors/local-process.js";
import { corpusDir } from "../../testkit/corpus.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";
import { rejectionOf } from "../../testkit/rejection.js";

const python = findDjangoPython();
let db: TestDatabase;

beforeAll(() => {
  db = createTestDatabase("factserr");
});
afterAll(() => db.drop());

function read(overrides: Partial<LiveFactsSettings>) {
  const reader = liveFactsReader({
    executor: new LocalProcessExecutor({ killGraceMs: 200 }),
    projectDir: corpusDir,
    python: [python],
    env: { DATABASE_URL: db.url },
    inline: false,
    timeoutMs: 15_000,
    idleSeconds: 60,
    maxSessions: 5,
    ...overrides,
  });
  return reader({
    tables: [{ name: "fieldops_item", conflicts: ["AccessExclusiveLock"] }],
    key: "facts-errors",
    version: "v1",
  });
}

async function failure(overrides: Partial<LiveFactsSettings>): Promise<string> {
  return (await rejectionOf(read(overrides), Error)).message;
}

/** What an approver reads after "Live facts unavailable:" on the gate, and the operator in the log. */
describe("a live facts read that fails says why and what to check", () => {
  it("reads the facts of the same project and database when nothing is wrong", async () => {
    const facts = await read({});
    expect(facts.vendor).toBe("postgresql");
    expect(facts.tables).toEqual([expect.objectContaining({ table: "fieldops_item", exists: false })]);
  });

  it("a Python that does not exist: names it and points at project.python", async () => {
    const message = await failure({ python: ["/nonexistent/python3"] });
    expect(message).toContain('cannot run Python "/nonexistent/python3"');
    expect(message).toContain("set project.python in the services file");
  });

  it("a Python without Django", async () => {
    const message = await failure({ python: [python, "-S"] });
    expect(message).toContain(`${python} -S cannot import Django`);
    expect(message).toContain("set project.python in the services file");
  });

  it("a command that is no Python at all and prints nothing: names it instead of only its exit code", async () => {
    const message = await failure({ python: ["true"] });
    expect(message).toContain("exited with code 0 without an answer");
    expect(message).toContain('Check that "true" is Python 3 with Django installed');
  });

  it("a database that cannot be reached", async () => {
    const message = await failure({ env: { DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere" } });
    expect(message).toContain("Django cannot reach the database: OperationalError:");
    expect(message).toContain("Check DATABASE_URL");
  });

  it("a database that accepts the connection and never answers: stopped at the timeout, which it names", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket)).listen(0, "127.0.0.1");
    await once(silent, "listening");
    const { port } = silent.address() as AddressInfo;
    try {
      const message = await failure({
        env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/silent` },
        timeoutMs: 2_000,
      });
      expect(message).toBe(
        "the database did not answer within 2 s (liveFacts.timeoutSeconds of the service)",
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
