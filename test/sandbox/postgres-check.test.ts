import { once } from "node:events";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPostgres } from "../../src/sandbox/postgres.js";

describe("the sandbox's PostgreSQL check", () => {
  const held: Socket[] = [];
  // Accepts connections and never answers, like a server frozen with SIGSTOP.
  const silent = createServer((socket) => held.push(socket));
  let url: string;
  beforeAll(async () => {
    silent.listen(0, "127.0.0.1");
    await once(silent, "listening");
    url = `postgres://postgres@127.0.0.1:${(silent.address() as AddressInfo).port}/postgres`;
  });
  afterAll(() => {
    for (const socket of held) socket.destroy();
    silent.close();
  });

  it("says a server that never answers had no answer, instead of an empty reason", async () => {
    await expect(checkPostgres(url, 1000)).rejects.toThrow(
      `PostgreSQL does not answer at ${url} (no answer within 1 s). Start it with`,
    );
  });
});
