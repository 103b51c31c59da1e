/** A message as the page holds it (the server's PageMessage, as JSON). */
export interface ViewMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  postedAt: number;
  broadcast?: boolean;
  edited?: boolean;
  ephemeral?: boolean;
}

/** Slack's ts order: seconds, then the sequence after the dot. */
export function byTs(a: { ts: string }, b: { ts: string }): number {
  const [as = "0", af = "0"] = a.ts.split(".");
  const [bs = "0", bf = "0"] = b.ts.split(".");
  return Number(as) - Number(bs) || Number(af) - Number(bf);
}
