import { describe, expect, it } from "vitest";
import {
  chartCommitPrefix,
  commitOfRevision,
  type FluxObject,
  fluxRolloutStatus,
} from "../../src/kubernetes/flux-status.js";

const object = (status: FluxObject["status"], generation = 2): FluxObject => ({
  kind: "Kustomization",
  metadata: { name: "shop", generation },
  status,
});
const ready = (s: string, reason: string, message: string, observedGeneration = 2) => ({
  type: "Ready",
  status: s,
  reason,
  message,
  observedGeneration,
});
const ours = { applied: true, attempted: true, change: "1a2b3c4d5e6f" };

describe("Flux's verdict on a Kustomization or HelmRelease after phasegate's commit", () => {
  it("done when Ready=True for the current generation at a revision with the commit", () => {
    const status = object({
      observedGeneration: 2,
      lastAppliedRevision: "main@sha1:1a2b3c4d5e6f",
      conditions: [ready("True", "ReconciliationSucceeded", "Applied revision: main@sha1:1a2b3c4d5e6f")],
    });
    expect(fluxRolloutStatus(status, ours)).toEqual({
      done: true,
      failed: false,
      message: "Kustomization shop is Ready at main@sha1:1a2b3c4d5e6f",
    });
  });

  it("waits while Ready=True is about an older revision, or a generation not observed yet", () => {
    const older = object({
      observedGeneration: 2,
      conditions: [ready("True", "ReconciliationSucceeded", "ok")],
    });
    expect(fluxRolloutStatus(older, { ...ours, applied: false, attempted: false })).toMatchObject({
      done: false,
      failed: false,
    });
    const unobserved = object({
      observedGeneration: 1,
      conditions: [ready("True", "ReconciliationSucceeded", "ok", 1)],
    });
    expect(fluxRolloutStatus(unobserved, ours).message).toBe(
      "Kustomization shop: Flux has not observed generation 2 yet",
    );
  });

  it("Ready=False fails only when the attempted revision has the commit (an older failure is not ours)", () => {
    const failing = object({
      observedGeneration: 2,
      conditions: [
        ready("False", "HealthCheckFailed", "timeout waiting for: [Deployment/shop/web status: 'Failed']"),
      ],
    });
    expect(fluxRolloutStatus(failing, { ...ours, applied: false })).toEqual({
      done: false,
      failed: true,
      message:
        "Kustomization shop is not Ready at 1a2b3c4d5e6f (HealthCheckFailed: timeout waiting for: [Deployment/shop/web status: 'Failed'])",
    });
    expect(fluxRolloutStatus(failing, { ...ours, applied: false, attempted: false }).failed).toBe(false);
  });

  it("Stalled fails with its reason whatever the revision", () => {
    const stalled = object({
      conditions: [
        { type: "Stalled", status: "True", reason: "InvalidPath", message: "path ./prod not found" },
        ready("False", "InvalidPath", "path ./prod not found"),
      ],
    });
    expect(fluxRolloutStatus(stalled, { ...ours, applied: false, attempted: false })).toEqual({
      done: false,
      failed: true,
      message: "Kustomization shop is Stalled (InvalidPath: path ./prod not found)",
    });
  });

  it("reads the commit of Flux's revision formats", () => {
    expect(commitOfRevision("main@sha1:0123456789abcdef0123456789abcdef01234567")).toBe(
      "0123456789abcdef0123456789abcdef01234567",
    );
    expect(commitOfRevision("main/0123456789abcdef0123456789abcdef01234567")).toBe(
      "0123456789abcdef0123456789abcdef01234567",
    );
    expect(commitOfRevision(`main@sha256:${"ab".repeat(32)}`)).toBe("ab".repeat(32));
    // Names git could take for an id (a hex branch, an abbreviated id) name no commit; a chart's 12 digits only match.
    expect(commitOfRevision("cafe1234")).toBeNull();
    expect(commitOfRevision("main@sha1:0123456")).toBeNull();
    expect(commitOfRevision("0.1.0+0123456789ab")).toBeNull();
    expect(chartCommitPrefix("0.1.0+0123456789ab")).toBe("0123456789ab");
    expect(chartCommitPrefix("0.1.0+20240101")).toBeNull();
    expect(commitOfRevision("1.4.2")).toBeNull();
    expect(commitOfRevision(undefined)).toBeNull();
  });
});
