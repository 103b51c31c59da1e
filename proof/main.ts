import { logger } from "../src/telemetry/pino-logger.js";
import { createTestDatabase } from "../testkit/postgres.js";
import { findDjangoPython } from "../testkit/python.js";
import { naiveScenario } from "./naive.js";
import { parseProofOptions } from "./options.js";
import { phasedScenario } from "./phased.js";
import { refusalScenario } from "./refusal.js";
import { renderReport } from "./report.js";
import { openStage, type Stage } from "./stage.js";
import { brokenClaims } from "./verdict.js";

/** Runs one scenario on a database and replicas of its own, dropped and stopped afterwards. */
async function onStage<T>(
  options: Omit<Parameters<typeof openStage>[0], "databaseUrl">,
  scenario: (stage: Stage) => Promise<T>,
): Promise<T> {
  const db = createTestDatabase("proof");
  const stage = await openStage({ ...options, databaseUrl: db.url });
  try {
    return await scenario(stage);
  } finally {
    await stage.close();
    db.drop();
  }
}

async function main(): Promise<number> {
  const parsed = parseProofOptions(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    return 2;
  }
  const { options } = parsed;
  logger.level = process.env.LOG_LEVEL ?? "warn";
  const traffic = { ...options, python: findDjangoPython(), logger };
  const naive = await onStage(traffic, naiveScenario);
  const phased = await onStage(traffic, (stage) => phasedScenario(stage, options.approvalDelayMs));
  const forced = await onStage(traffic, refusalScenario);
  process.stdout.write(renderReport([phased, naive, forced]));
  process.stdout.write(`\nforced NOT NULL, phasegate's judgement: ${forced.judgement.reason}\n`);
  const broken = brokenClaims({ phased, naive, forced }, options.minRequests);
  process.stdout.write(
    broken.length === 0 ? "\nThe proof holds.\n" : `\nThe proof does NOT hold:\n  ${broken.join("\n  ")}\n`,
  );
  return broken.length === 0 ? 0 : 1;
}

process.exitCode = await main();
