import { describe, expect, it } from "vitest";
import { argocdDeployerSchema, fluxDeployerSchema } from "../../src/config/gitops-schema.js";

const argocd = { kind: "argocd", url: "https://argocd.example.com", tokenFile: "token", application: "shop" };
const git = {
  url: "git@github.com:example/deploy.git",
  file: "overlays/prod/kustomization.yaml",
  yamlPath: "images[0].newTag",
};

describe("the argocd and flux deployer sections", () => {
  it("argocd takes one mode: a place on the Application, or a Git file", () => {
    expect(
      argocdDeployerSchema.safeParse({ ...argocd, kustomizeImage: "registry.example.com/shop" }).success,
    ).toBe(true);
    expect(argocdDeployerSchema.safeParse({ ...argocd, git }).success).toBe(true);
    for (const wrong of [argocd, { ...argocd, git, helmParameter: "image.tag" }]) {
      const parsed = argocdDeployerSchema.safeParse(wrong);
      expect(parsed.error?.issues[0]?.message).toMatch(
        /^set either git .* or kustomizeImage \/ helmParameter/,
      );
    }
  });

  it("a Git file outside the repository, a YAML path or value that cannot carry the release are refused", () => {
    const flux = { kind: "flux", resource: { kind: "Kustomization", name: "shop" } };
    expect(fluxDeployerSchema.parse({ ...flux, git }).git).toMatchObject({
      branch: "main",
      value: "{version}",
      pushAttempts: 3,
    });
    const problems = (change: Record<string, unknown>) =>
      fluxDeployerSchema
        .safeParse({ ...flux, git: { ...git, ...change } })
        .error?.issues.map((i) => i.message);
    expect(problems({ file: "../secrets.yaml" })).toEqual([
      "a path inside the repository, such as deploy/overlays/prod/kustomization.yaml",
    ]);
    expect(problems({ yamlPath: "images..newTag" })?.[0]).toMatch(/^a YAML path such as/);
    expect(problems({ value: "latest" })).toEqual(['value must contain {version}, e.g. "{version}"']);
  });
});
