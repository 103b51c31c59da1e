import { holdConnections, type RawClient, rawGet } from "./raw-client.js";

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
