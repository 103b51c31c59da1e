interface Slot<T> {
  latest: T | null;
  sending: boolean;
  timer: NodeJS.Timeout | null;
  lastStartedAt: number;
  idle: Array<() => void>;
}

export interface CoalescerOptions<T> {
  /** At most one send per key per interval. */
  intervalMs: number;
  send(key: string, value: T): Promise<void>;
  /** When a value arrives for a key that already has one waiting, which to keep (the newest by default). */
  newer?: (candidate: T, current: T) => boolean;
  now?: () => Date;
}

/**
 * Sends at most one value per key per interval: values that arrive meanwhile replace the waiting one, and the
 * last value is always sent once the interval has passed. A send never overlaps another for the same key.
 */
export class Coalescer<T> {
  private readonly slots = new Map<string, Slot<T>>();
  private readonly now: () => Date;

  constructor(private readonly options: CoalescerOptions<T>) {
    this.now = options.now ?? (() => new Date());
  }

  push(key: string, value: T): void {
    const slot = this.slots.get(key) ?? {
      latest: null,
      sending: false,
      timer: null,
      lastStartedAt: -Infinity,
      idle: [],
    };
    this.slots.set(key, slot);
    const newer = this.options.newer ?? (() => true);
    if (slot.latest === null || newer(value, slot.latest)) slot.latest = value;
    slot.timer?.ref();
    this.kick(key, slot);
  }

  /** Resolves once nothing is waiting or being sent for any key. */
  async flush(): Promise<void> {
    const busy = [...this.slots.values()].filter((slot) => slot.sending || slot.latest !== null);
    await Promise.all(busy.map((slot) => new Promise<void>((resolve) => slot.idle.push(resolve))));
  }

  private later(key: string, slot: Slot<T>, wait: number): NodeJS.Timeout {
    slot.timer = setTimeout(() => {
      slot.timer = null;
      this.kick(key, slot);
    }, wait);
    return slot.timer;
  }

  private kick(key: string, slot: Slot<T>): void {
    if (slot.sending || slot.timer) return;
    const wait = slot.lastStartedAt + this.options.intervalMs - this.now().getTime();
    if (slot.latest === null) {
      for (const resolve of slot.idle.splice(0)) resolve();
      // The slot remembers its last send until the interval is over, so a value arriving soon still waits.
      if (wait <= 0) this.slots.delete(key);
      else this.later(key, slot, wait).unref();
      return;
    }
    if (wait > 0) {
      this.later(key, slot, wait);
      return;
    }
    const value = slot.latest;
    slot.latest = null;
    slot.sending = true;
    slot.lastStartedAt = this.now().getTime();
    // send() reports its own failures; the slot must move on whatever happens.
    this.options
      .send(key, value)
      .catch(() => undefined)
      .finally(() => {
        slot.sending = false;
        this.kick(key, slot);
      });
  }
}
