import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";

/** Where the OS's ephemeral ports begin when it does not say: IANA's dynamic range (macOS, the BSDs, Windows). */
const DYNAMIC_RANGE_START = 49152;
/** How many ports below the ephemeral range the ports are drawn from. */
const SPAN = 10_000;
const MAX_TRIES = 1000;

/** The first port the OS hands out on its own (Linux says so in /proc). */
async function ephemeralStart(): Promise<number> {
  const range = await readFile("/proc/sys/net/ipv4/ip_local_port_range", "utf8").catch(() => "");
  const start = Number(range.trim().split(/\s+/)[0]);
  return Number.isInteger(start) && start > 1024 ? start : DYNAMIC_RANGE_START;
}

async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  try {
    server.listen(port, "127.0.0.1");
    await once(server, "listening");
    return true;
  } catch {
    return false;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * Ports free right now on loopback, below the range the OS hands out on its own. A server started on one later (a
 * fleet slot keeps its port while its replica is replaced, a test's Redis restarts on its port) would otherwise find
 * it taken: a port of that range can meanwhile become the local port of any outgoing connection or `listen(0)`.
 */
export async function freePorts(count: number): Promise<number[]> {
  const end = await ephemeralStart();
  const start = Math.max(1025, end - SPAN);
  const ports: number[] = [];
  for (let tries = 0; ports.length < count; tries++) {
    if (tries === MAX_TRIES)
      throw new Error(`no ${count} free ports on 127.0.0.1 between ${start} and ${end} after ${tries} tries`);
    const port = start + Math.floor(Math.random() * (end - start));
    if (!ports.includes(port) && (await canListen(port))) ports.push(port);
  }
  return ports;
}

/** One such port: a server's of a test or of the sandbox, or one nobody listens on. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}
