import type { ServerResponse } from "node:http";

/** The work after an ack waits at most this long for other requests' acks (it is never dropped). */
const MAX_WAIT_MS = 2000;

/**
 * Knows how many requests the bot has received but not answered yet, so that the work after an ack can wait until
 * every ack already owed has gone out: under a burst, the acks go first (Slack gives up after 3 s), the answers
 * follow. Without tracked requests (Socket Mode) only the requests already read are let through first.
 */
export class AckGate {
  private pending = 0;
  private waiting: Array<() => void> = [];

  /**
   * Counts a request whose body has been read and whose signature is good until its response is sent or the client
   * went away; it is counted during its replay check, which waits on Redis. A client still sending its body is not
   * counted: a stalled one must not hold up the others.
   */
  track(response: ServerResponse): void {
    this.pending += 1;
    // A response emits "close" once, whether it was sent or the client went away.
    response.on("close", this.answered);
  }

  private readonly answered = () => {
    this.pending -= 1;
    if (this.pending === 0) for (const resolve of this.waiting.splice(0)) resolve();
  };

  /** Resolves once no received request awaits its answer (after at most 2 s), and never before the next turn. */
  async settled(): Promise<void> {
    const deadline = Date.now() + MAX_WAIT_MS;
    // A burst is read in waves: once the acks owed are out, one more turn reads a wave that arrived meanwhile.
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      const left = deadline - Date.now();
      if (this.pending === 0 || left <= 0) return;
      await this.allAnswered(left);
    }
  }

  private allAnswered(maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      this.waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
