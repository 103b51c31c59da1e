import { describe, expect, it } from "vitest";
import { type Application, applicationSchema } from "../../src/argocd/application.js";
import { applicationRolloutStatus } from "../../src/argocd/application-status.js";
import { sourcePatch, valueIn } from "../../src/argocd/source-value.js";

const app = (status: unknown): Application =>
  applicationSchema.parse({ metadata: { name: "shop" }, spec: { source: {} }, status });
const seen = { compared: true, operated: true, change: "v2" };

describe("Argo CD's verdict on an Application after phasegate's change", () => {
  it("done only when Synced to the change and Healthy, with no sync running", () => {
    const synced = { sync: { status: "Synced" }, health: { status: "Healthy" } };
    expect(applicationRolloutStatus(app(synced), seen)).toEqual({
      done: true,
      failed: false,
      message: "shop is Synced to v2 and Healthy",
    });
    expect(applicationRolloutStatus(app(synced), { ...seen, compared: false }).done).toBe(false);
    const running = { ...synced, operationState: { phase: "Running" } };
    expect(applicationRolloutStatus(app(running), seen).message).toBe("Argo CD's sync of shop is Running");
  });

  it("waits while OutOfSync, Progressing or Suspended", () => {
    expect(
      applicationRolloutStatus(app({ sync: { status: "OutOfSync" }, health: { status: "Healthy" } }), seen),
    ).toMatchObject({ done: false, failed: false });
    expect(
      applicationRolloutStatus(app({ sync: { status: "Synced" }, health: { status: "Suspended" } }), seen)
        .message,
    ).toBe("shop is Synced to v2 but Suspended (waiting to be resumed)");
    expect(
      applicationRolloutStatus(
        app({ sync: { status: "Synced" }, health: { status: "Progressing", message: "1 of 2 updated" } }),
        seen,
      ),
    ).toEqual({
      done: false,
      failed: false,
      message: "shop is Synced to v2, health Progressing: 1 of 2 updated",
    });
  });

  it("fails on Degraded or a failed sync of the change, not on those of what ran before", () => {
    const degraded = { sync: { status: "Synced" }, health: { status: "Degraded", message: "crash loop" } };
    expect(applicationRolloutStatus(app(degraded), seen)).toEqual({
      done: false,
      failed: true,
      message: "Argo CD reports shop Degraded at v2: crash loop",
    });
    expect(
      applicationRolloutStatus(app(degraded), { ...seen, compared: false, operated: false }).failed,
    ).toBe(false);
    // Compared with the change but not synced yet: the Degraded is the live state of what ran before.
    const before = { sync: { status: "OutOfSync" }, health: { status: "Degraded", message: "crash loop" } };
    expect(applicationRolloutStatus(app(before), seen)).toEqual({
      done: false,
      failed: false,
      message: "shop is OutOfSync at v2, waiting for the sync (Degraded before it)",
    });
    const syncFailed = {
      sync: { status: "OutOfSync" },
      operationState: { phase: "Failed", message: "one or more objects failed to apply" },
    };
    expect(applicationRolloutStatus(app(syncFailed), seen).message).toBe(
      "Argo CD's sync of shop to v2 failed: one or more objects failed to apply",
    );
    expect(applicationRolloutStatus(app(syncFailed), { ...seen, operated: false }).failed).toBe(false);
  });
});

describe("the release in an Application's source", () => {
  it("sets a kustomize image's tag, keeping an override's new name and the other images", () => {
    const source = {
      kustomize: { images: ["registry.example.com/shop=mirror.example.com/shop:v1", "redis:7"] },
    };
    const place = { kustomizeImage: "registry.example.com/shop" };
    expect(valueIn(source, place, "shop")).toBe("v1");
    expect(sourcePatch(source, place, "shop", "v2")).toEqual({
      kustomize: { images: ["registry.example.com/shop=mirror.example.com/shop:v2", "redis:7"] },
    });
    expect(sourcePatch({ kustomize: {} }, place, "shop", "v2")).toEqual({
      kustomize: { images: ["registry.example.com/shop:v2"] },
    });
  });

  it("sets a Helm parameter; a source of the other kind names the key to set", () => {
    const source = { helm: { parameters: [{ name: "image.tag", value: "v1" }] } };
    expect(sourcePatch(source, { helmParameter: "image.tag" }, "shop", "v2")).toEqual({
      helm: { parameters: [{ name: "image.tag", value: "v2" }] },
    });
    expect(() => valueIn(source, { kustomizeImage: "registry.example.com/shop" }, "shop")).toThrow(
      'Application "shop" uses Helm: set helmParameter in the services file',
    );
  });
});
