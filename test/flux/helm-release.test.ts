import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { image } from "../kubernetes/setup.js";
import { type OneFluxObject, oneFluxObject } from "./one-flux-object.js";

/**
 * A HelmRelease whose chart Flux builds from the Git repository (reconcileStrategy: Revision), in the simulator:
 * helm-controller reports the chart version with the commit's first 12 hex digits, which phasegate looks up among
 * the commits of its mirror, so a teammate's commit pushed on top of the run's before Flux built the chart counts.
 */
const FILE = "charts/shop/values.yaml";
const values = (tag: string) => `image:\n  repository: registry.example.com/shop\n  tag: ${tag}\n`;

let flux: OneFluxObject;
/** The commit of run-hr1's release. */
let runCommit: string;

beforeAll(async () => {
  flux = await oneFluxObject({
    kind: "HelmRelease",
    namespace: "helm",
    files: { [FILE]: values("v1"), "charts/shop/Chart.yaml": "version: 1.4.0\n" },
    file: FILE,
    yamlPath: "image.tag",
    chartVersion: "1.4.0",
  });
}, 30_000);

afterAll(() => flux?.close());

/** Flux's controllers until the HelmRelease has a deployed release. */
async function fluxDeploys() {
  const release = flux.sim.flux.get("HelmRelease", "helm", "shop");
  await expect
    .poll(
      async () => {
        await flux.sim.flux.reconcile();
        flux.sim.deployments.step("helm", "web");
        return release.status.history?.[0]?.status;
      },
      { timeout: 20_000, interval: 50 },
    )
    .toBe("deployed");
  return release;
}

describe("a HelmRelease whose chart Flux builds from the Git repository", () => {
  it("a teammate's commit pushed on top of the run's before Flux built the chart: Ready at its chart version, the wait is done", {
    timeout: 30_000,
  }, async () => {
    runCommit = (await flux.git.commitVersion("run-hr1", "v2")).commit;
    const later = await flux.repo.commit(
      { "charts/shop/README.md": "The shop chart\n" },
      "Document the chart",
    );
    expect(later).not.toBe(runCommit);
    const release = await fluxDeploys();
    expect(release.status.lastAttemptedRevision).toBe(`1.4.0+${later.slice(0, 12)}`);
    expect(release.status.lastAppliedRevision).toBeUndefined();
    expect(flux.sim.deployments.get("helm", "web").spec.template.spec.containers[0]?.image).toBe(image("v2"));
    expect(await flux.waitSays("run-hr1")).toEqual({
      kind: "succeeded",
      message: `HelmRelease shop is Ready at 1.4.0+${later.slice(0, 12)}`,
    });
  });

  it("a chart version whose digits are no commit of the branch: the wait goes on and says so", async () => {
    const release = flux.sim.flux.get("HelmRelease", "helm", "shop");
    const saved = structuredClone(release.status);
    try {
      release.status.lastAttemptedRevision = "1.4.0+0123456789ab";
      release.status.history = [];
      expect(await flux.waitSays("run-hr1")).toMatchObject({
        kind: "later",
        progress: `HelmRelease shop reports chart version "1.4.0+0123456789ab", whose 0123456789ab is no commit of the branch in phasegate's mirror (fetched): still waiting for a revision with ${runCommit.slice(0, 12)}`,
      });
    } finally {
      release.status = saved;
    }
  });
});
