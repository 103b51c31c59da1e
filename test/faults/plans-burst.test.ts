import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, REQUESTER } from "../../testkit/engine-harness.js";
import { processesWithEnv } from "../../testkit/processes.js";

let h: Harness;

beforeAll(async () => {
  h = await createHarness("burst", { shop: {} });
});

afterAll(() => h.close());

/** A Django introspection (a Python process, not its guard), told by its name and command line. */
function isIntrospection(pid: string): boolean {
  return (
    readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("python") &&
    readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("introspect")
  );
}

/**
 * Django introspections running now for this harness's services. Sampled every 20 ms: reading the environment of
 * every process that often took a fifth of a core from the introspections measured.
 */
function introspections(): number {
  return processesWithEnv("PHASEGATE_TEST_DIR", h.dir, isIntrospection).length;
}

/**
 * Twenty callers: the queue's behaviour (two at once, the others told, every one answered) is the same with fifty,
 * which took 89 s of the suite on a slow 2-core machine, both cores busy with Django.
 */
const CALLERS = 20;

describe(`${CALLERS} concurrent /migrate plan`, () => {
  it("run at most 2 Django introspections of one service at once (half of 4 slots), tell the waiting ones, and answer every caller", {
    timeout: 180_000,
  }, async () => {
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, introspections());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const told: number[] = [];
    const answers = await Promise.all(
      // By different users: plans of one release by the same user would join one introspection.
      Array.from({ length: CALLERS }, (_, i) =>
        h.engine.useCases.startRun({
          service: "shop",
          version: "v2",
          requester: `${REQUESTER}${i}`,
          dryRun: true,
          onQueued: (ahead, limit) => {
            expect(limit).toBe(4);
            told.push(ahead);
          },
        }),
      ),
    );
    sampling = false;
    await sampler;

    expect(answers.map((a) => a.ok && a.dryRun && a.plan.steps.length)).toEqual(Array(CALLERS).fill(5));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2);
    // The first two start at once; each of the others still waiting a second later was told how many were ahead
    // of it then (those served sooner were told nothing).
    expect(told.length).toBeGreaterThan(0);
    expect(told.length).toBeLessThanOrEqual(CALLERS - 2);
    expect(told.toSorted((a, b) => a - b)).toEqual(Array.from({ length: told.length }, (_, i) => i + 2));
    expect(introspections()).toBe(0);
  });
});
