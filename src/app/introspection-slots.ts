/** What a caller waiting for an introspection slot is told: how many are served before it, and the cap. */
export type OnQueued = (ahead: number, limit: number) => void;

export type SlotResult<T> = { ok: true; value: T } | { ok: false; waiting: number };

/**
 * At most `limit` introspections at once in this process (each is a Django process of tens of MB); the others
 * wait in line, first come first served, at most `maxWaiting` of them: past that a caller is turned away at once.
 */
export class IntrospectionSlots {
  private running = 0;
  private readonly line: (() => void)[] = [];

  constructor(
    readonly limit: number,
    readonly maxWaiting: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`introspection limit must be at least 1, got ${limit}`);
  }

  async run<T>(work: () => Promise<T>, onQueued?: OnQueued): Promise<SlotResult<T>> {
    if (this.running >= this.limit) {
      if (this.line.length >= this.maxWaiting) return { ok: false, waiting: this.line.length };
      onQueued?.(this.running + this.line.length, this.limit);
      // The slot is handed over by the one that leaves it, so `running` stays counted.
      await new Promise<void>((resolve) => this.line.push(resolve));
    } else {
      this.running++;
    }
    try {
      return { ok: true, value: await work() };
    } finally {
      const next = this.line.shift();
      if (next) next();
      else this.running--;
    }
  }
}
