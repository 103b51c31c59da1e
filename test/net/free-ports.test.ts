import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { describe, expect, it } from "vitest";
import { freePorts } from "../../src/net/free-ports.js";

/** The first port Linux hands out on its own, for outgoing connections and `listen(0)`. */
const ephemeralStart = Number(
  readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0],
);

describe("the fleet's slot ports", () => {
  it("are distinct, free, and below the range the OS hands out on its own (where a released port can be taken)", async () => {
    const ports = await freePorts(8);
    expect(new Set(ports).size).toBe(8);
    for (const port of ports) {
      expect(port).toBeGreaterThan(1024);
      expect(port).toBeLessThan(ephemeralStart);
    }
    const servers: Server[] = [];
    try {
      for (const port of ports) {
        const server = createServer().listen(port, "127.0.0.1");
        servers.push(server);
        await once(server, "listening");
      }
    } finally {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });
});
