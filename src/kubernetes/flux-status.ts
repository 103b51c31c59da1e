import { z } from "zod";
import type { RolloutStatus } from "../ports/rollout-watcher.js";

const conditionSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  observedGeneration: z.number().optional(),
});

/** What phasegate reads of a Flux Kustomization (kustomize.toolkit.fluxcd.io/v1) or HelmRelease (helm.toolkit.fluxcd.io/v2). */
export const fluxObjectSchema = z.looseObject({
  kind: z.string().optional(),
  metadata: z.looseObject({ name: z.string(), generation: z.number().optional() }),
  status: z
    .looseObject({
      observedGeneration: z.number().optional(),
      lastAppliedRevision: z.string().optional(),
      lastAttemptedRevision: z.string().optional(),
      /** helm-controller v2's releases, newest first: what it applied is the deployed one's chart version. */
      history: z
        .array(z.looseObject({ chartVersion: z.string().optional(), status: z.string().optional() }))
        .optional(),
      conditions: z.array(conditionSchema).optional(),
    })
    .default({}),
});

export type FluxObject = z.infer<typeof fluxObjectSchema>;

/**
 * The full id of the Git commit a Flux revision names: `main@sha1:<id>` (Flux v2 sources; `sha256:` for a SHA-256
 * repository), `main/<id>` or a bare `<id>` (older ones), a chart version with it (`1.2.0+<id>`). Null when it names
 * none: anything shorter could be a branch or tag name (`main@sha1:` aside, `deadbee` is one as well as an id).
 */
export function commitOfRevision(revision: string | undefined): string | null {
  if (!revision) return null;
  const match = /(?:^|\/|\+|(?:^|@)sha(?:1|256):)([0-9a-f]{40}|[0-9a-f]{64})$/.exec(revision);
  return match?.[1] ?? null;
}

/**
 * The first 12 hex digits of the commit a HelmRelease's chart was built from (`1.2.0+<12 hex>`, Flux's chart
 * version for a Git source reconciled by Revision), or null. Looked up among the commits of phasegate's mirror only.
 */
export function chartCommitPrefix(revision: string | undefined): string | null {
  return /\+([0-9a-f]{12,39})$/.exec(revision ?? "")?.[1] ?? null;
}

/** Whether Flux's applied and attempted revisions contain the run's commit (decided by the watcher, with Git). */
export interface FluxRevisionsSeen {
  applied: boolean;
  attempted: boolean;
  /** The commit, for the messages. */
  change: string;
  /** A revision Flux reports that names no commit (a branch or tag name, say): never taken for one. */
  notCommit?: string;
  /** Why a chart version's commit digits were not taken (ambiguous or unknown in phasegate's mirror). */
  unresolved?: string;
}

const waiting = (message: string): RolloutStatus => ({ done: false, failed: false, message });

/**
 * Flux's verdict, as `flux get` and kstatus read it: done when Ready=True for the current generation and the
 * applied revision contains the commit; failed when Stalled, or Ready=False while the attempted revision contains
 * the commit (a failure of what ran before is not ours); waiting otherwise.
 */
export function fluxRolloutStatus(object: FluxObject, seen: FluxRevisionsSeen): RolloutStatus {
  const what = `${object.kind ?? "Flux object"} ${object.metadata.name}`;
  const { status } = object;
  const condition = (type: string) => status.conditions?.find((c) => c.type === type);
  const said = (c: z.infer<typeof conditionSchema>) =>
    `${c.reason ?? "no reason"}: ${c.message ?? "no message"}`;
  const stalled = condition("Stalled");
  if (stalled?.status === "True")
    return { done: false, failed: true, message: `${what} is Stalled (${said(stalled)})` };
  const generation = object.metadata.generation;
  if (generation !== undefined && (status.observedGeneration ?? 0) < generation)
    return waiting(`${what}: Flux has not observed generation ${generation} yet`);
  const ready = condition("Ready");
  if (!ready) return waiting(`${what} has no Ready condition yet`);
  const current =
    ready.observedGeneration === undefined ||
    generation === undefined ||
    ready.observedGeneration >= generation;
  if (ready.status === "False" && seen.attempted && current)
    return { done: false, failed: true, message: `${what} is not Ready at ${seen.change} (${said(ready)})` };
  if (ready.status === "True" && current && seen.applied)
    return {
      done: true,
      failed: false,
      message: `${what} is Ready at ${status.lastAppliedRevision ?? seen.change}`,
    };
  if (!seen.attempted && seen.unresolved !== undefined)
    return waiting(`${what} reports ${seen.unresolved}: still waiting for a revision with ${seen.change}`);
  if (!seen.attempted && seen.notCommit !== undefined)
    return waiting(
      `${what} reports revision ${JSON.stringify(seen.notCommit.slice(0, 80))}, not a full commit id: still waiting for a revision with ${seen.change}`,
    );
  if (!seen.attempted)
    return waiting(
      `${what} has not fetched ${seen.change} yet (last applied ${status.lastAppliedRevision ?? "nothing"})`,
    );
  return waiting(`${what} is applying ${seen.change} (Ready=${ready.status}, ${said(ready)})`);
}
