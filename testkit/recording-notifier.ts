import type { Notifier, RunChange } from "../src/ports/notifier.js";

/** A Notifier that keeps every change it is told about, for assertions. */
export class RecordingNotifier implements Notifier {
  readonly changes: RunChange[] = [];

  async notify(change: RunChange): Promise<void> {
    this.changes.push(change);
  }

  eventsOf(runId: string): string[] {
    return this.changes.filter((c) => c.after.id === runId).map((c) => c.event?.type ?? "created");
  }
}
