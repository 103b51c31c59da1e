import { writeFile } from "node:fs/promises";
import os from "node:os";
import { z } from "zod";
import { describeOwed } from "../domain/plan/follow-up-report.js";
import { describeFreeze } from "../domain/run/contract-hold.js";
import { keptNote } from "../domain/run/retention.js";
import { isTerminal } from "../domain/run/run.js";
import {
  ACTION_DONE,
  ACTION_FIELDS,
  ACTION_NAMES,
  type ActionField,
  type ActionName,
  FIELD_FORMS,
  isActionName,
  RUN_ID_EXAMPLE,
} from "../ports/action-table.js";
import type { ActionResult, FreezeResult, StartRunResult, UseCases } from "../ports/use-cases.js";
import { openEngine } from "../wiring/open-engine.js";
import { type OptionSpecs, parseOptions } from "./args.js";
import { UsageError } from "./cli-error.js";
import { stepFactsText } from "./plan-facts.js";
import { apiRun } from "./run-api.js";
import { CONNECTION_OPTIONS, connectionFields, connectionOf } from "./run-connection.js";
import { renderAudit, renderFreezes, renderPlanSteps, renderRun, renderRunList } from "./run-render.js";
import { RUN_USAGE } from "./run-usage.js";

const OPTIONS: OptionSpecs = {
  ...CONNECTION_OPTIONS,
  service: { type: "string" },
  version: { type: "string" },
  run: { type: "string" },
  migration: { type: "string" },
  gate: { type: "string" },
  reason: { type: "string" },
  out: { type: "string" },
  user: { type: "string" },
  limit: { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  api: { type: "string" },
  "token-file": { type: "string" },
  wait: { type: "boolean" },
  until: { type: "string" },
  "idempotency-key": { type: "string" },
};

const schema = z.object({
  ...connectionFields,
  service: z.string().min(1, "--service needs a service name").optional(),
  version: z.string().min(1, "--version needs a release, e.g. v42").optional(),
  run: z.string().min(1, `--run needs a run id, e.g. ${RUN_ID_EXAMPLE}`).optional(),
  migration: z.string().min(1, "--migration needs app.name").optional(),
  gate: z.string().min(1).optional(),
  reason: z.string().min(1).optional(),
  out: z.string().min(1, "--out needs a file name").optional(),
  user: z.string().min(1, "--user needs a user name").optional(),
  limit: z.coerce
    .number()
    .int("--limit takes a whole number")
    .min(1, "--limit must be at least 1")
    .optional(),
  "dry-run": z.boolean().default(false),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
  api: z
    .url({ protocol: /^https?$/, error: "--api needs the bot's URL, e.g. https://phasegate.example.com" })
    .optional(),
  "token-file": z.string().min(1, "--token-file needs a file").optional(),
  wait: z.boolean().default(false),
  until: z.enum(["deploy-ready"], { error: "--until takes deploy-ready" }).optional(),
  "idempotency-key": z.string().min(1).optional(),
});

type Options = z.infer<typeof schema>;

/** The option each field of the action table is given with. */
const OPTION_OF: Record<ActionField, keyof Options> = {
  service: "service",
  version: "version",
  runId: "run",
  migration: "migration",
  reason: "reason",
  scope: "service",
};

type FieldValue<F extends ActionField> = z.output<(typeof ACTION_FIELDS)[F]>;

/** A field's value, checked by the table's rule as `/migrate` checks it; a missing required one is a usage error. */
function field<F extends ActionField>(
  options: Options,
  action: ActionName,
  name: F,
  optional: boolean,
): FieldValue<F> | undefined {
  const value = options[OPTION_OF[name]];
  const form = FIELD_FORMS[name].cli;
  if (value === undefined) {
    if (optional) return undefined;
    throw new UsageError(`run ${action} needs ${form}`);
  }
  const parsed = ACTION_FIELDS[name].safeParse(value);
  if (!parsed.success) throw new UsageError(`${form}: ${parsed.error.issues[0]?.message}`);
  return parsed.data as FieldValue<F>;
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
      `Plan (nothing stored):\n${renderPlanSteps(result.plan)}${result.outlook.map((line) => `${line}\n`).join("")}${stepFactsText(result.liveFacts)}`,
    );
  else print(options, result.run, `started ${result.run.id}\n${renderRun(result.run)}`);
  return 0;
}

function reportFreeze(options: Options, result: FreezeResult): number {
  if (!result.ok) return refused(result.message);
  print(options, result.freeze, `${describeFreeze(result.freeze)}\n`);
  return 0;
}

function reportAction(options: Options, result: ActionResult, done: string): number {
  if (!result.ok) return refused(result.message);
  print(options, result.run, `${done}\n${renderRun(result.run)}`);
  return 0;
}

function notFound(call: Call, runId: string): number {
  return refused(`no run ${runId} (${keptNote(call.finishedRunMs)}): check the id with "phasegate run list"`);
}

/** What one invocation has: its options, who acts, and the use cases. */
interface Call {
  options: Options;
  user: string;
  useCases: UseCases;
  /** How long a finished run is kept (ms): a run not found may be older. */
  finishedRunMs: number;
  /** A field the action requires. */
  need<F extends ActionField>(name: F): FieldValue<F>;
  /** A field the action may leave out. */
  may<F extends ActionField>(name: F): FieldValue<F> | undefined;
}

type RunAction = keyof typeof ACTION_DONE;

/** approve, reject, cancel, retry, rollback, override: the use case, then what it did and the run. */
function runAction(action: RunAction, act: (call: Call, runId: string) => Promise<ActionResult>) {
  return async (call: Call) => {
    const runId = call.need("runId");
    return reportAction(call.options, await act(call, runId), ACTION_DONE[action](runId));
  };
}

/** Every action of the table, as the terminal answers it. */
const PERFORM: Record<ActionName, (call: Call) => Promise<number>> = {
  plan: async (call) => {
    if (call.options.run !== undefined) {
      const run = await call.useCases.status(call.need("runId"));
      if (!run) return notFound(call, call.need("runId"));
      print(call.options, run.plan, renderPlanSteps(run.plan));
      return 0;
    }
    return start(call, true);
  },
  start: (call) => start(call, call.options["dry-run"]),
  status: async (call) => {
    const runId = call.may("runId");
    if (runId === undefined) {
      const active = (await call.useCases.list({ limit: 100 })).filter((r) => !isTerminal(r.status));
      print(call.options, active, renderRunList(active));
      return 0;
    }
    const run = await call.useCases.status(runId);
    if (!run) return notFound(call, runId);
    print(call.options, run, renderRun(run));
    return 0;
  },
  list: async (call) => {
    const runs = await call.useCases.list({ service: call.may("service"), limit: call.options.limit });
    print(call.options, runs, `${renderRunList(runs)}(${keptNote(call.finishedRunMs)})\n`);
    return 0;
  },
  approve: runAction("approve", ({ useCases, options, user }, runId) =>
    useCases.approve({ runId, gate: options.gate, user }),
  ),
  reject: runAction("reject", ({ useCases, options, user, need }, runId) =>
    useCases.reject({ runId, gate: options.gate, user, reason: need("reason") }),
  ),
  cancel: runAction("cancel", ({ useCases, user, may }, runId) =>
    useCases.cancel({ runId, user, reason: may("reason") }),
  ),
  retry: runAction("retry", ({ useCases, user }, runId) => useCases.retry({ runId, user })),
  rollback: runAction("rollback", ({ useCases, user }, runId) => useCases.rollback({ runId, user })),
  override: runAction("override", ({ useCases, user, need }, runId) =>
    useCases.overrideAnalysis({ runId, user, reason: need("reason") }),
  ),
  audit: async (call) => {
    const runId = call.need("runId");
    const entries = await call.useCases.audit(runId);
    if (!entries) return notFound(call, runId);
    print(call.options, entries, renderAudit(entries));
    return 0;
  },
  export: async (call) => {
    const runId = call.need("runId");
    const [run, audit] = await Promise.all([call.useCases.status(runId), call.useCases.audit(runId)]);
    if (!run || !audit) return notFound(call, runId);
    const json = `${JSON.stringify({ run, audit }, null, 2)}\n`;
    if (call.options.out === undefined) process.stdout.write(json);
    else {
      const failed = await writeFile(call.options.out, json).catch((error: Error) => error);
      if (failed) return refused(`cannot write ${call.options.out}: ${failed.message}`, 2);
      process.stderr.write(`wrote ${runId} and its ${audit.length} audit entries to ${call.options.out}\n`);
    }
    return 0;
  },
  owed: async (call) => {
    const service = call.need("service");
    const owed = await call.useCases.owed(service);
    if (!owed) return refused(`no service "${service}": check the services file`, 2);
    const lines =
      owed.length === 0 ? [`${service} owes nothing.`] : owed.map((o) => describeOwed(service, o));
    print(call.options, owed, `${lines.join("\n")}\n`);
    return 0;
  },
  "drop-owed": async (call) => {
    const service = call.need("service");
    const migration = call.need("migration");
    const result = await call.useCases.dropFollowUp({
      service,
      migration,
      user: call.user,
      reason: call.need("reason"),
    });
    if (!result.ok) return refused(result.message);
    const { dropped } = result;
    print(
      call.options,
      dropped,
      `${migration.app}.${migration.name} is no longer owed by ${service} (declared in ${dropped.runId}); the reason is in its audit.\n`,
    );
    return 0;
  },
  freeze: async (call) =>
    reportFreeze(
      call.options,
      await call.useCases.freeze({ scope: call.need("scope"), user: call.user, reason: call.need("reason") }),
    ),
  unfreeze: async (call) =>
    reportFreeze(call.options, await call.useCases.unfreeze({ scope: call.need("scope"), user: call.user })),
  freezes: async (call) => {
    const [freezes, trail] = await Promise.all([
      call.useCases.freezes(),
      call.useCases.freezeAudit(call.options.limit ?? 20),
    ]);
    print(call.options, { freezes, trail }, renderFreezes(freezes, trail));
    return 0;
  },
};

async function start(call: Call, dryRun: boolean): Promise<number> {
  const result = await call.useCases.startRun({
    service: call.need("service"),
    version: call.need("version"),
    requester: call.user,
    dryRun,
  });
  return reportStart(call.options, result);
}

/** `run start` and `run status` through the bot's pipeline API (CI): validated by the action table's rules. */
function viaApi(action: ActionName, options: Options, api: string): Promise<number> {
  if (action !== "start" && action !== "status")
    throw new UsageError("--api works with run start and run status");
  const may = <F extends ActionField>(name: F) => field(options, action, name, true);
  return apiRun({
    api,
    tokenFile: options["token-file"],
    service: action === "start" ? field(options, action, "service", false) : undefined,
    version: action === "start" ? field(options, action, "version", false) : undefined,
    run: action === "status" ? field(options, action, "runId", false) : may("runId"),
    wait: options.wait,
    until: options.until,
    idempotencyKey: options["idempotency-key"],
    json: options.json,
  });
}

/** `phasegate run <action>`: the use cases from a terminal, against the same Redis as the bot and the workers. */
export async function runCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined || action === "--help" || action === "-h" || action === "help") {
    process.stdout.write(RUN_USAGE);
    return action === undefined ? 2 : 0;
  }
  if (!isActionName(action))
    throw new UsageError(`unknown action "${action}"; use one of ${ACTION_NAMES.join(", ")}`);
  const options = parseOptions(rest, OPTIONS, schema);
  if (options.help) {
    process.stdout.write(RUN_USAGE);
    return 0;
  }
  if (options.api !== undefined) return viaApi(action, options, options.api);
  const user = options.user ?? process.env.PHASEGATE_USER ?? os.userInfo().username;
  const { engine, close } = await openEngine(connectionOf(options), "command");
  try {
    return await PERFORM[action]({
      options,
      user,
      useCases: engine.useCases,
      finishedRunMs: engine.finishedRunMs,
      need: (name) => field(options, action, name, false) as FieldValue<typeof name>,
      may: (name) => field(options, action, name, true),
    });
  } finally {
    await close();
  }
}
