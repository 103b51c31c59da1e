/**
 * Whether a batch that ended at `now` is told to the Slack thread: the first batch, then the first batch of each
 * new `intervalMs` window since the step started, so the thread gets about one line per window however fast the
 * batches run. `previousAt` is when the step last changed (its start, or the previous batch).
 */
export function progressDue(startedAt: number, previousAt: number, now: number, intervalMs: number): boolean {
  if (previousAt <= startedAt) return true;
  return Math.floor((now - startedAt) / intervalMs) > Math.floor((previousAt - startedAt) / intervalMs);
}
