import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OneFluxObject, oneFluxObject } from "./one-flux-object.js";

/**
 * Flux (in the simulator) applying a branch named with hex digits only (`cafe1234`) from a local bare repository:
 * its `cafe1234@sha1:<id>` counts, a revision that is the branch's bare name never does, though git would resolve
 * that name to the run's commit in phasegate's mirror.
 */
const FILE = "clusters/prod/shop/kustomization.yaml";
const kustomization = (tag: string) => `images:\n  - name: registry.example.com/shop\n    newTag: ${tag}\n`;

let flux: OneFluxObject;

beforeAll(async () => {
  flux = await oneFluxObject({
    kind: "Kustomization",
    namespace: "hex",
    files: { [FILE]: kustomization("v1") },
    branch: "cafe1234",
    file: FILE,
    yamlPath: "images[0].newTag",
  });
  await flux.git.commitVersion("run-x1", "v2");
}, 30_000);

afterAll(() => flux?.close());

describe("Flux reporting a revision that is not a full commit id", () => {
  it("Ready at the hex-named branch's own name: the wait goes on and says why; at <branch>@sha1:<id>, done", {
    timeout: 30_000,
  }, async () => {
    const { sim, repo } = flux;
    const head = await repo.head();
    const object = sim.flux.get("Kustomization", "hex", "shop");
    await expect
      .poll(
        async () => {
          await sim.flux.reconcile();
          sim.deployments.step("hex", "web");
          return object.status.lastAppliedRevision;
        },
        { timeout: 20_000, interval: 50 },
      )
      .toBe(`cafe1234@sha1:${head}`);
    object.status.lastAppliedRevision = "cafe1234";
    object.status.lastAttemptedRevision = "cafe1234";
    expect(await flux.waitSays("run-x1")).toMatchObject({
      kind: "later",
      progress: `Kustomization shop reports revision "cafe1234", not a full commit id: still waiting for a revision with ${head.slice(0, 12)}`,
    });
    object.status.lastAppliedRevision = `cafe1234@sha1:${head}`;
    object.status.lastAttemptedRevision = `cafe1234@sha1:${head}`;
    expect(await flux.waitSays("run-x1")).toEqual({
      kind: "succeeded",
      message: `Kustomization shop is Ready at cafe1234@sha1:${head}`,
    });
  });
});
