import { setTimeout as delay } from "node:timers/promises";

/**
 * The Slack requests the bot has taken and not finished: a slash command from its ack to its answer, a click until
 * its listener ends. A stopping bot waits for them (drain) before it closes its connections, so a restart in the
 * middle of `/migrate start` carries the command out instead of failing it.
 */
export class InFlightWork {
  private readonly running = new Set<Promise<unknown>>();
  private isDraining = false;

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const done = () => this.running.delete(work);
    work.then(done, done);
    return work;
  }

  get size(): number {
    return this.running.size;
  }

  /** Whether the bot is stopping: what fails from now on fails because it stops. */
  get draining(): boolean {
    return this.isDraining;
  }

  /** The bot stops: true once nothing is in flight, false when work is still running after limitMs. */
  async drain(limitMs: number): Promise<boolean> {
    this.isDraining = true;
    const deadline = Date.now() + limitMs;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await Promise.race([Promise.allSettled([...this.running]), delay(left, undefined, { ref: false })]);
    }
    return true;
  }
}
