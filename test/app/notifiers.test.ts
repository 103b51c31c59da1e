import { describe, expect, it } from "vitest";
import { CompositeNotifier } from "../../src/app/notifiers.js";
import { SYSTEM_ACTOR } from "../../src/domain/run/run.js";
import type { Notifier } from "../../src/ports/notifier.js";
import { logger } from "../../src/telemetry/pino-logger.js";
import { shopRun } from "../../testkit/plans.js";
import { RecordingNotifier } from "../../testkit/recording-notifier.js";

/** A notifier whose backend is down (Slack unreachable). */
class Unreachable implements Notifier {
  async notify(): Promise<void> {
    throw new Error("connect ECONNREFUSED");
  }
}

describe("CompositeNotifier", () => {
  it("tells every notifier, and one failing keeps none of the others from hearing", async () => {
    const first = new RecordingNotifier();
    const last = new RecordingNotifier();
    const composite = new CompositeNotifier([first, new Unreachable(), last], logger);
    const run = shopRun();
    await composite.notify({ before: null, after: run, event: null, actor: SYSTEM_ACTOR });
    expect(first.eventsOf(run.id)).toEqual(["created"]);
    expect(last.eventsOf(run.id)).toEqual(["created"]);
  });
});
