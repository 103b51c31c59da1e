/**
 * Concurrent reads of the same thing share one: the second caller gets the first one's answer (or error) instead
 * of starting another. Plans of one release of one service by one user, clicked again while the first is still
 * reading it, run the Django helper once and are all answered.
 */
export class JoinedReads<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  join(key: string, read: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = read().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
