/** The end of a pod's log as read within a byte limit. */
export interface LogTail {
  text: string;
  /** The tailLines of the answer kept. */
  lines: number;
  /** Whether the answer stopped at the byte limit: then only the last line was asked for, and its start is kept. */
  cut: boolean;
}

/** The most asks for one log: the first, two with fewer lines, then the last line alone. */
const MAX_ASKS = 4;

/**
 * Reads the last `lines` lines of a log through `read(tailLines)`, which answers at most `limitBytes` bytes. The
 * API cuts the end of a tail over limitBytes, not its start, and the end is what says why a command failed: a tail
 * that reaches the limit is asked again with half as many lines as fitted in it (each ask at least halves), the
 * last time with one line. So at most MAX_ASKS answers of limitBytes are read, one held at a time.
 */
export async function readLogTail(
  read: (tailLines: number) => Promise<string>,
  lines: number,
  limitBytes: number,
): Promise<LogTail> {
  let asked = lines;
  for (let ask = 1; ; ask++) {
    const text = await read(asked);
    // A character cut at the limit is decoded as one of 3 bytes, so a cut answer is still at least the limit.
    const cut = Buffer.byteLength(text) >= limitBytes;
    if (!cut || asked === 1) return { text, lines: asked, cut };
    const fitted = Math.floor(newlines(text) / 2);
    asked = ask >= MAX_ASKS - 1 ? 1 : Math.max(1, Math.min(asked - 1, fitted));
  }
}

function newlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
  return count;
}
