import os from "node:os";
import { z } from "zod";
import { describeFreeze } from "../domain/run/contract-hold.js";
import type { ActionResult, FreezeResult, StartRunResult, UseCases } from "../ports/use-cases.js";
import { openEngine } from "../wiring/open-engine.js";
import { type OptionSpecs, parseOptions } from "./args.js";
import { UsageError } from "./cli-error.js";
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connectionFields, connectionOf } from "./run-connection.js";
import { renderAudit, renderFreezes, renderPlanSteps, renderRun, renderRunList } from "./run-render.js";

const USAGE = `Usage: phasegate run <action> [options]

  start    --service S --version V [--dry-run]   plan the release and start the run (a worker runs its steps)
  approve  --run ID [--gate G]                   approve the gate the run waits at
  reject   --run ID [--gate G] [--reason TEXT]   reject it: the run ends, nothing destructive runs
  cancel   --run ID [--reason TEXT]              stop the run after (or by stopping) its current step
  retry    --run ID                              start a failed run again from its failed step
  rollback --run ID                              roll back the deploy of a failed or rejected run to the release
                                                 live before it (approvers; migrations are not rolled back)
  status   --run ID                              the run and its steps
  list     [--service S] [--limit N]             the latest runs, newest first
  audit    --run ID                              every change and refused action, with who and when
  freeze   --service S|all --reason TEXT         no run and no contract step of S (all: every service) starts
                                                 (admins; from a terminal when Slack is down: no channel is told)
  unfreeze --service S|all                       lift the freeze; the contract steps it held start
  freezes  [--limit N]                           the freezes now, and the latest freezes and unfreezes

  --user U             who acts (default: $PHASEGATE_USER, else your login name)
  --json               print JSON
${CONNECTION_USAGE}

Exit status: 0 done, 1 refused or not found (the reason is printed), 2 usage or configuration error (an unknown
service, a project that cannot be introspected).
`;

const ACTIONS = [
  "start",
  "approve",
  "reject",
  "cancel",
  "retry",
  "rollback",
  "status",
  "list",
  "audit",
  "freeze",
  "unfreeze",
  "freezes",
] as const;
type Action = (typeof ACTIONS)[number];

const OPTIONS: OptionSpecs = {
  ...CONNECTION_OPTIONS,
  service: { type: "string" },
  version: { type: "string" },
  run: { type: "string" },
  gate: { type: "string" },
  reason: { type: "string" },
  user: { type: "string" },
  limit: { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

const schema = z.object({
  ...connectionFields,
  service: z.string().min(1, "--service needs a service name").optional(),
  version: z.string().min(1, "--version needs a release, e.g. v42").optional(),
  run: z.string().min(1, "--run needs a run id, e.g. shop-3").optional(),
  gate: z.string().min(1).optional(),
  reason: z.string().min(1).optional(),
  user: z.string().min(1, "--user needs a user name").optional(),
  limit: z.coerce
    .number()
    .int("--limit takes a whole number")
    .min(1, "--limit must be at least 1")
    .optional(),
  "dry-run": z.boolean().default(false),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
});

type Options = z.infer<typeof schema>;

function required(value: string | undefined, flag: string, action: Action): string {
  if (!value) throw new UsageError(`run ${action} needs ${flag}`);
  return value;
}

function print(options: Options, json: unknown, text: string): void {
  process.stdout.write(options.json ? `${JSON.stringify(json, null, 2)}\n` : text);
}

function refused(message: string, exitCode = 1): number {
  process.stderr.write(`${message}\n`);
  return exitCode;
}

/** Codes a fix of the services file or the project answers: exit 2, like other configuration errors. */
const CONFIGURATION_PROBLEMS: readonly string[] = ["unknown-service", "introspection-failed"];

function reportStart(options: Options, result: StartRunResult): number {
  if (!result.ok) {
    const recipes = (result.refusals ?? []).flatMap((r) => [
      `  - ${r.message}`,
      ...r.recipe.map((line) => `      ${line}`),
    ]);
    if (options.json) print(options, result, "");
    return refused(
      [result.message, ...recipes].join("\n"),
      CONFIGURATION_PROBLEMS.includes(result.code) ? 2 : 1,
    );
  }
  if (result.dryRun)
    print(
      options,
      result.plan,
      `Plan (nothing stored):\n${renderPlanSteps(result.plan)}${result.outlook.map((line) => `${line}\n`).join("")}`,
    );
  else print(options, result.run, `started ${result.run.id}\n${renderRun(result.run)}`);
  return 0;
}

function reportFreeze(options: Options, result: FreezeResult): number {
  if (!result.ok) return refused(result.message);
  print(options, result.freeze, `${describeFreeze(result.freeze)}\n`);
  return 0;
}

function reportAction(options: Options, result: ActionResult): number {
  if (!result.ok) return refused(result.message);
  print(options, result.run, renderRun(result.run));
  return 0;
}

async function perform(action: Action, options: Options, useCases: UseCases): Promise<number> {
  const user = options.user ?? process.env.PHASEGATE_USER ?? os.userInfo().username;
  const runId = () => required(options.run, "--run ID", action);
  switch (action) {
    case "start":
      return reportStart(
        options,
        await useCases.startRun({
          service: required(options.service, "--service S", action),
          version: required(options.version, "--version V", action),
          requester: user,
          dryRun: options["dry-run"],
        }),
      );
    case "approve":
      return reportAction(options, await useCases.approve({ runId: runId(), gate: options.gate, user }));
    case "reject":
      return reportAction(
        options,
        await useCases.reject({ runId: runId(), gate: options.gate, user, reason: options.reason }),
      );
    case "cancel":
      return reportAction(options, await useCases.cancel({ runId: runId(), user, reason: options.reason }));
    case "retry":
      return reportAction(options, await useCases.retry({ runId: runId(), user }));
    case "rollback":
      return reportAction(options, await useCases.rollback({ runId: runId(), user }));
    case "status": {
      const run = await useCases.status(runId());
      if (!run) return refused(`no run ${options.run}: check the id with "phasegate run list"`);
      print(options, run, renderRun(run));
      return 0;
    }
    case "list": {
      const runs = await useCases.list({ service: options.service, limit: options.limit });
      print(options, runs, renderRunList(runs));
      return 0;
    }
    case "freeze": {
      const scope = required(options.service, "--service S (or all)", action);
      const reason = required(options.reason, "--reason TEXT", action);
      return reportFreeze(options, await useCases.freeze({ scope, user, reason }));
    }
    case "unfreeze":
      return reportFreeze(
        options,
        await useCases.unfreeze({ scope: required(options.service, "--service S (or all)", action), user }),
      );
    case "freezes": {
      const [freezes, trail] = await Promise.all([
        useCases.freezes(),
        useCases.freezeAudit(options.limit ?? 20),
      ]);
      print(options, { freezes, trail }, renderFreezes(freezes, trail));
      return 0;
    }
    case "audit": {
      const entries = await useCases.audit(runId());
      if (!entries) return refused(`no run ${options.run}: check the id with "phasegate run list"`);
      print(options, entries, renderAudit(entries));
      return 0;
    }
  }
}

/** `phasegate run <action>`: the use cases from a terminal, against the same Redis as the bot and the workers. */
export async function runCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined || action === "--help" || action === "-h" || action === "help") {
    process.stdout.write(USAGE);
    return action === undefined ? 2 : 0;
  }
  if (!ACTIONS.includes(action as Action))
    throw new UsageError(`unknown action "${action}"; use one of ${ACTIONS.join(", ")}`);
  const options = parseOptions(rest, OPTIONS, schema);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { engine, close } = await openEngine(connectionOf(options), "command");
  try {
    return await perform(action as Action, options, engine.useCases);
  } finally {
    await close();
  }
}
