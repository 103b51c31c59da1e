import { jobName } from "../../src/kubernetes/job-name.js";
import type { CommandRequest, CommandResult, Executor } from "../../src/ports/executor.js";
import type { RolloutRequest, RolloutStatus, RolloutWatcher } from "../../src/ports/rollout-watcher.js";
import type { KubeSim } from "../../testkit/kube-sim/index.js";
import { namespace } from "./setup.js";

/** Polls the executor the way the engine does (same key each time) until the Job it started has finished. */
export async function runJob(
  sim: KubeSim,
  executor: Executor,
  request: CommandRequest,
): Promise<CommandResult> {
  const first = await executor.execute(request);
  if (first.state === "finished") return first.result;
  await sim.jobs.waitUntilFinished(namespace, jobName(request.key));
  const done = await executor.execute(request);
  if (done.state !== "finished") throw new Error(`Job of ${request.key} still running: ${done.message}`);
  return done.result;
}

/**
 * Polls the watcher after each controller action, the Deployments taking turns, until it reports done (or failed),
 * and returns every distinct message it gave on the way.
 */
export async function watchRollout(
  sim: KubeSim,
  watcher: RolloutWatcher,
  release: RolloutRequest,
  deployments: string[],
): Promise<{ final: RolloutStatus; seen: string[] }> {
  const seen: string[] = [];
  for (let poll = 0; poll < 200; poll++) {
    const status = await watcher.check(release);
    if (status.done || status.failed) return { final: status, seen };
    if (seen.at(-1) !== status.message) seen.push(status.message);
    const stepped = deployments.map((name) => sim.deployments.step(namespace, name));
    if (!stepped.some(Boolean)) throw new Error(`the rollout is stuck: ${status.message}`);
  }
  throw new Error("the rollout did not finish within 200 polls");
}

/** Makes the pods of the Job of `key` look `seconds` older, as if they had been waiting that long. */
export function agePods(sim: KubeSim, key: string, seconds: number): void {
  for (const pod of sim.pods(namespace).filter((p) => p.metadata.labels["job-name"] === jobName(key))) {
    pod.metadata.creationTimestamp = new Date(
      Date.parse(pod.metadata.creationTimestamp) - seconds * 1000,
    ).toISOString();
  }
}
