import { dribbleHeaders, holdConnections, type RawClient, rawGet } from "./raw-client.js";

export interface FloodOutcome {
  /** What a connection opened beyond the cap received before it closed. */
  beyondCap: string;
  /** What one of the connections held up to the cap was answered meanwhile. */
  held: string;
  /** What a new connection was answered once the flood had gone. */
  after: string;
}

/** Holds `cap` idle connections to 127.0.0.1:`port`, then GETs `path` on one more, on a held one, and after. */
export async function floodPast(port: number, cap: number, path: string): Promise<FloodOutcome> {
  const held = await holdConnections(port, cap);
  let beyondCap: string;
  let answered: string;
  try {
    beyondCap = await rawGet(port, path);
    answered = await (held[0] as RawClient).send("GET", path).answer();
  } finally {
    for (const client of held) client.close();
  }
  // The server counts a connection out when it sees it close: a moment after the client closed it.
  let after = "";
  for (const deadline = Date.now() + 2000; !after.startsWith("HTTP/1.1 200") && Date.now() < deadline; )
    after = await rawGet(port, path);
  return { beyondCap, held: answered, after };
}

export interface DribbleOutcome {
  /** What the dribbling client received before the server closed it (or it gave up), and after how long. */
  answer: string;
  closedAfterMs: number;
  /** What another client's GET of `path` was answered meanwhile. */
  other: string;
}

/**
 * A client dribbling a header line every 500 ms to 127.0.0.1:`port` (giving up after `giveUpMs`), and, a second
 * into it, another client's GET of `path`.
 */
export async function dribbleBeside(port: number, path: string, giveUpMs: number): Promise<DribbleOutcome> {
  const slow = dribbleHeaders(port, 500, giveUpMs);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const other = await rawGet(port, path);
  return { ...(await slow), other };
}
