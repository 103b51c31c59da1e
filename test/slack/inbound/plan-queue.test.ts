import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServices } from "../../../src/config/load-services.js";
import { answerCommand } from "../../../src/slack/inbound/command-answers.js";
import { createEngine, type Engine } from "../../../src/wiring/engine.js";
import { APPROVER, createHarness, type Harness, REQUESTER } from "../../../testkit/engine-harness.js";

let h: Harness;
let oneAtATime: Engine;

beforeAll(async () => {
  h = await createHarness("planqueue", { shop: {} });
  const services = await loadServices(h.file("services.yaml"));
  // The notice is due at once: the second plan is told while the first one reads the release.
  oneAtATime = createEngine({
    redis: h.redis,
    prefix: h.prefix,
    services,
    maxIntrospections: 1,
    introspectionNoticeMs: 0,
  });
});

afterAll(async () => {
  await oneAtATime.close();
  await h.close();
});

describe("/migrate plan while another plan reads the release", () => {
  it("tells the caller how many plans are ahead, then answers with the plan", {
    timeout: 60_000,
  }, async () => {
    const services = await loadServices(h.file("services.yaml"));
    const deps = { useCases: oneAtATime.useCases, services };
    const told: string[][] = [[], []];
    // Two users: a second plan of one release by the same user would join the first.
    const plan = (i: number) =>
      answerCommand(
        deps,
        { name: "plan", service: "shop", version: "v2" },
        {
          user: [REQUESTER, APPROVER][i] ?? REQUESTER,
          channel: "C_SHOP",
          notify: (text) => told[i]?.push(text),
        },
      );
    const answers = await Promise.all([plan(0), plan(1)]);
    expect(told).toEqual([
      [],
      [
        ":hourglass_flowing_sand: 1 plan ahead of yours (phasegate reads 1 release at a time); your answer follows.",
      ],
    ]);
    for (const answer of answers) expect([answer].flat()[0]?.text).toContain("shop v2");
  });
});
