import type { CardStatus } from "../../ports/notifier.js";

/** Who waits for a new run's card: settled by the first attempt to post it (posted, or why not). */
export class CardWaiters {
  private readonly waiting = new Map<string, { promise: Promise<CardStatus>; settle(s: CardStatus): void }>();

  /** A run was created: its card's first attempt settles the wait. */
  expect(runId: string): void {
    if (this.waiting.has(runId)) return;
    let settle: (status: CardStatus) => void = () => undefined;
    const promise = new Promise<CardStatus>((resolve) => {
      settle = resolve;
    });
    this.waiting.set(runId, { promise, settle });
  }

  settle(runId: string, status: CardStatus): void {
    const entry = this.waiting.get(runId);
    if (!entry) return;
    entry.settle(status);
  }

  /** The first attempt's outcome, or "not answered in time" after `waitMs`; posted when nothing was expected. */
  async wait(runId: string, waitMs: number): Promise<CardStatus> {
    const entry = this.waiting.get(runId);
    if (!entry) return { posted: true };
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<CardStatus>((resolve) => {
      timer = setTimeout(
        () => resolve({ posted: false, reason: `Slack did not take it within ${waitMs / 1000} s` }),
        waitMs,
      );
    });
    return Promise.race([entry.promise, late]).finally(() => {
      clearTimeout(timer);
      this.waiting.delete(runId);
    });
  }
}
