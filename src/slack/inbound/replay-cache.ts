/**
 * Signatures seen within Slack's window: the same signed request sent twice is refused the second time. Memory is
 * bounded: entries leave once their window is over, and past `maxEntries` the oldest go first (a flood of distinct
 * signed requests needs the signing secret, so this only guards against pathological volumes).
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  /** True the first time a signature is offered within the window, false for a replay. */
  firstUse(signature: string, now: number): boolean {
    this.prune(now);
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, now + this.windowMs);
    if (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  private prune(now: number): void {
    // Insertion order is expiry order (every entry lives the same window).
    for (const [signature, expiresAt] of this.seen) {
      if (expiresAt > now) return;
      this.seen.delete(signature);
    }
  }
}
