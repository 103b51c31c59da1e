/** What a caller waiting for an introspection slot is told: how many are served before it, and the cap. */
export type OnQueued = (ahead: number, limit: number) => void;

export type SlotResult<T> = { ok: true; value: T } | { ok: false; waiting: number };

interface Waiter {
  service: string | undefined;
  serve: () => void;
}

/**
 * At most `limit` introspections at once in this process (each is a Django process of tens of MB), and at most
 * `share` (half of them, at least one) of one service, so a service whose settings hang cannot take every slot:
 * the others wait in line, first come first served among those whose service is under its share, at most
 * `maxWaiting` of them: past that a caller is turned away at once. A caller still waiting after `noticeAfterMs`
 * is told how many are ahead (a short wait needs no notice, and a burst of starts is acked before a notice per
 * caller is sent).
 */
export class IntrospectionSlots {
  readonly share: number;
  private running = 0;
  private readonly perService = new Map<string, number>();
  private readonly line: Waiter[] = [];

  constructor(
    readonly limit: number,
    readonly maxWaiting: number,
    readonly noticeAfterMs = 1000,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`introspection limit must be at least 1, got ${limit}`);
    this.share = Math.max(1, Math.floor(limit / 2));
  }

  /** Runs `work` in a slot; `service` (absent: no share applies) is whose Django project it reads. */
  async run<T>(work: () => Promise<T>, onQueued?: OnQueued, service?: string): Promise<SlotResult<T>> {
    if (this.mayRun(service)) {
      this.take(service);
    } else {
      if (this.line.length >= this.maxWaiting) return { ok: false, waiting: this.line.length };
      // The slot is taken for the waiter by the one that leaves it.
      let waiter: Waiter = { service, serve: () => undefined };
      const turn = new Promise<void>((resolve) => {
        waiter = { service, serve: resolve };
        this.line.push(waiter);
      });
      const notice = onQueued ? setTimeout(() => this.tell(waiter, onQueued), this.noticeAfterMs) : null;
      await turn;
      if (notice) clearTimeout(notice);
    }
    try {
      return { ok: true, value: await work() };
    } finally {
      this.leave(service);
    }
  }

  private mayRun(service: string | undefined): boolean {
    if (this.running >= this.limit) return false;
    return service === undefined || (this.perService.get(service) ?? 0) < this.share;
  }

  private take(service: string | undefined): void {
    this.running++;
    if (service !== undefined) this.perService.set(service, (this.perService.get(service) ?? 0) + 1);
  }

  private leave(service: string | undefined): void {
    this.running--;
    if (service !== undefined) {
      const left = (this.perService.get(service) ?? 1) - 1;
      if (left > 0) this.perService.set(service, left);
      else this.perService.delete(service);
    }
    for (let i = 0; i < this.line.length && this.running < this.limit; ) {
      const waiter = this.line[i];
      if (waiter && this.mayRun(waiter.service)) {
        this.line.splice(i, 1);
        this.take(waiter.service);
        waiter.serve();
      } else {
        i++;
      }
    }
  }

  private tell(waiter: Waiter, onQueued: OnQueued): void {
    const place = this.line.indexOf(waiter);
    if (place >= 0) onQueued(this.running + place, this.limit);
  }
}
