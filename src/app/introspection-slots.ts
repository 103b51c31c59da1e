/** What a caller waiting for an introspection slot is told: how many are served before it, and the cap. */
export type OnQueued = (ahead: number, limit: number) => void;

export type SlotResult<T> = { ok: true; value: T } | { ok: false; waiting: number };

/**
 * At most `limit` introspections at once in this process (each is a Django process of tens of MB); the others
 * wait in line, first come first served, at most `maxWaiting` of them: past that a caller is turned away at once.
 * A caller still waiting after `noticeAfterMs` is told how many are ahead (a short wait needs no notice, and a burst
 * of starts is acked before a notice per caller is sent).
 */
export class IntrospectionSlots {
  private running = 0;
  private readonly line: (() => void)[] = [];

  constructor(
    readonly limit: number,
    readonly maxWaiting: number,
    readonly noticeAfterMs = 1000,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`introspection limit must be at least 1, got ${limit}`);
  }

  async run<T>(work: () => Promise<T>, onQueued?: OnQueued): Promise<SlotResult<T>> {
    if (this.running >= this.limit) {
      if (this.line.length >= this.maxWaiting) return { ok: false, waiting: this.line.length };
      // The slot is handed over by the one that leaves it, so `running` stays counted.
      let served: () => void = () => undefined;
      const turn = new Promise<void>((resolve) => {
        served = resolve;
        this.line.push(resolve);
      });
      const notice = onQueued ? setTimeout(() => this.tell(served, onQueued), this.noticeAfterMs) : null;
      await turn;
      if (notice) clearTimeout(notice);
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

  private tell(waiter: () => void, onQueued: OnQueued): void {
    const place = this.line.indexOf(waiter);
    if (place >= 0) onQueued(this.running + place, this.limit);
  }
}
