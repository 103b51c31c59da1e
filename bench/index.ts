import os from "node:os";
import type { Benchmark, Figure } from "./figure.js";

/** Every benchmark; `npm run bench -- plan` runs only that one. Add a benchmark with one line here. */
const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  plan: async () => (await import("./plan.js")).planBenchmark,
  slack: async () => (await import("./slack.js")).slackBenchmark,
  oversized: async () => (await import("./oversized.js")).oversizedBenchmark,
  "sandbox-page": async () => (await import("./sandbox-page.js")).sandboxPageBenchmark,
  "engine-approve": async () => (await import("./engine-approve.js")).engineApproveBenchmark,
  "engine-approve-cluster": async () =>
    (await import("./on-cluster.js")).onCluster((await import("./engine-approve.js")).engineApproveBenchmark),
  retention: async () => (await import("./retention.js")).retentionBenchmark,
  "engine-rollouts": async () => (await import("./engine-rollouts.js")).engineRolloutsBenchmark,
  "engine-rollouts-cluster": async () =>
    (await import("./on-cluster.js")).onCluster(
      (await import("./engine-rollouts.js")).engineRolloutsBenchmark,
    ),
};

function formatFigure(figure: Figure): string {
  const value = `${figure.value.toFixed(figure.unit === "s" || figure.unit === "×" ? 2 : 1)} ${figure.unit}`;
  const goal =
    figure.goal === undefined
      ? ""
      : ` (goal < ${figure.goal} ${figure.unit}: ${figure.value < figure.goal ? "met" : "MISSED"})`;
  const detail = figure.detail ? ` — ${figure.detail}` : "";
  return `  ${figure.name}: ${value}${goal}${detail}`;
}

const selected = process.argv.slice(2);
const unknown = selected.filter((name) => !BENCHMARKS[name]);
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(BENCHMARKS).join(", ")}`);
  process.exit(2);
}
const cpus = os.cpus();
console.log(
  `machine: ${cpus.length} cores, ${cpus[0]?.model ?? "unknown CPU"}, node ${process.version}, ${os.platform()} ${os.arch()}`,
);
for (const [name, load] of Object.entries(BENCHMARKS)) {
  if (selected.length > 0 && !selected.includes(name)) continue;
  console.log(`${name}:`);
  for (const figure of await (await load())()) console.log(formatFigure(figure));
}
