import { afterAll, describe, expect, it } from "vitest";
import { gitIn } from "../../testkit/gitops-repo.js";
import { type OneFluxObject, oneFluxObject } from "./one-flux-object.js";

/**
 * A Git repository whose object format is SHA-256 (a real bare repository, `git init --object-format=sha256`):
 * phasegate commits the release to it and waits, as Flux in the simulator applies it, for `main@sha256:<id>`
 * (a Kustomization) and for the chart version with its first 12 digits (a HelmRelease).
 */
const setups = {
  Kustomization: {
    file: "clusters/prod/shop/kustomization.yaml",
    text: "images:\n  - name: registry.example.com/shop\n    newTag: v1\n",
    yamlPath: "images[0].newTag",
  },
  HelmRelease: {
    file: "charts/shop/values.yaml",
    text: "image:\n  repository: registry.example.com/shop\n  tag: v1\n",
    yamlPath: "image.tag",
  },
} as const;

const opened: OneFluxObject[] = [];

afterAll(async () => {
  for (const flux of opened) await flux.close();
});

/** Commits v2 as a run would, then what the wait says once Flux has rolled it out. */
async function deployAndWait(kind: keyof typeof setups, runId: string) {
  const { file, text, yamlPath } = setups[kind];
  const namespace = kind.toLowerCase();
  const flux = await oneFluxObject({
    kind,
    namespace,
    files: { [file]: text },
    file,
    yamlPath,
    objectFormat: "sha256",
  });
  opened.push(flux);
  expect((await gitIn(flux.repo.bare, "rev-parse", "--show-object-format")).trim()).toBe("sha256");
  const { commit } = await flux.git.commitVersion(runId, "v2");
  await expect
    .poll(
      async () => {
        await flux.sim.flux.reconcile();
        flux.sim.deployments.step(namespace, "web");
        return flux.sim.flux.get(kind, namespace, "shop").status.conditions?.find((c) => c.type === "Ready")
          ?.status;
      },
      { timeout: 20_000, interval: 50 },
    )
    .toBe("True");
  return { commit, said: await flux.waitSays(runId) };
}

describe("a SHA-256 GitOps repository", () => {
  it("the Kustomization: committed, then done at main@sha256:<the commit>", { timeout: 30_000 }, async () => {
    const { commit, said } = await deployAndWait("Kustomization", "run-s1");
    expect(commit).toMatch(/^[0-9a-f]{64}$/);
    expect(said).toEqual({
      kind: "succeeded",
      message: `Kustomization shop is Ready at main@sha256:${commit}`,
    });
  });

  it("the HelmRelease: done at the chart version with the commit's first 12 digits", {
    timeout: 30_000,
  }, async () => {
    const { commit, said } = await deployAndWait("HelmRelease", "run-s2");
    expect(said).toEqual({
      kind: "succeeded",
      message: `HelmRelease shop is Ready at 0.1.0+${commit.slice(0, 12)}`,
    });
  });
});
