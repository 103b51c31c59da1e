import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { metricsEnvSchema } from "../../src/metrics/metrics-server.js";
import { proxyEnvSchema } from "../../src/net/proxy/proxy-env.js";
import { redisEnvSchema } from "../../src/net/redis/redis-env.js";
import { slackEnvSchema } from "../../src/slack/inbound/app.js";
import { repoRoot } from "../../testkit/run-cli.js";

/**
 * Environment variables phasegate reads: its environment schemas, every process.env.NAME in src/ (VITEST only
 * tells the logger it runs under the tests; Kubernetes sets KUBERNETES_SERVICE_* in every pod) and the introspection
 * helper's own PHASEGATE_ settings (migrate_guarded.py's are set by phasegate for the command it wraps).
 */
export function envNamesReadByCode(): Set<string> {
  const names = new Set(
    [slackEnvSchema, metricsEnvSchema, redisEnvSchema, proxyEnvSchema].flatMap((schema) =>
      Object.keys(schema.shape),
    ),
  );
  const src = path.join(repoRoot, "src");
  for (const file of readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts")))
    for (const match of readFileSync(path.join(src, file), "utf8").matchAll(
      /process\.env\.([A-Z][A-Z0-9_]*)/g,
    ))
      names.add(match[1] ?? "");
  const helper = readFileSync(path.join(src, "django", "introspect.py"), "utf8");
  for (const match of helper.matchAll(/os\.environ\.get\("(PHASEGATE_[A-Z0-9_]+)"/g))
    names.add(match[1] ?? "");
  names.delete("VITEST");
  return names;
}
