import { z } from "zod";
import { serviceName } from "../../config/services-schema.js";
import { escapeText, truncate } from "../blocks/kit.js";
import { hasVisibleText } from "../blocks/text-hygiene.js";

const version = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    "a version is a release tag: letters, digits, '.', '_' and '-', at most 128 characters",
  );
const migration = z
  .string()
  .regex(/^\w+\.\w+$/, "a migration is app.name, like inventory.0004_stock_warehouse_not_null")
  .transform((label) => {
    const [app = "", name = ""] = label.split(".");
    return { app, name };
  });
const INVISIBLE_REASON = "this reason shows nothing (only invisible characters): say why, in words";
const reason = z
  .string()
  .trim()
  .min(3, "say why, in a few words")
  .max(500, "at most 500 characters")
  .refine(hasVisibleText, INVISIBLE_REASON);
const runId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,75}-[0-9]{1,9}$/,
    "a run id is the service, a generation and a number, like shop-mik38h5c-2 (see /migrate list)",
  );

/** What `/migrate …` asks for, once parsed and validated. */
export const migrateCommandSchema = z.discriminatedUnion("name", [
  z.strictObject({ name: z.literal("help") }),
  z.strictObject({ name: z.literal("plan"), service: serviceName, version }),
  /** `/migrate plan <run>`: the plan a run was started with, every operation of it. */
  z.strictObject({ name: z.literal("plan-run"), runId }),
  z.strictObject({ name: z.literal("start"), service: serviceName, version, dryRun: z.boolean() }),
  z.strictObject({ name: z.literal("status"), runId: runId.optional() }),
  z.strictObject({ name: z.literal("list"), service: serviceName.optional() }),
  z.strictObject({ name: z.literal("approve"), runId }),
  z.strictObject({
    name: z.literal("reject"),
    runId,
    reason: z.string().min(1).refine(hasVisibleText, INVISIBLE_REASON),
  }),
  z.strictObject({ name: z.literal("cancel"), runId }),
  z.strictObject({ name: z.literal("retry"), runId }),
  z.strictObject({ name: z.literal("rollback"), runId }),
  z.strictObject({ name: z.literal("audit"), runId }),
  z.strictObject({ name: z.literal("owed"), service: serviceName }),
  z.strictObject({ name: z.literal("drop-owed"), service: serviceName, migration, reason }),
  /** `scope`: a service, or "all". */
  z.strictObject({ name: z.literal("freeze"), scope: serviceName, reason }),
  z.strictObject({ name: z.literal("unfreeze"), scope: serviceName }),
  z.strictObject({ name: z.literal("freezes") }),
]);

export type MigrateCommand = z.infer<typeof migrateCommandSchema>;
/** What the user types; `plan-run` is `plan` with one argument. */
export type SubcommandName = Exclude<MigrateCommand["name"], "plan-run">;

interface Subcommand {
  /** Positional arguments in order; a trailing "?" marks an optional one, "..." one that takes the rest of the words. */
  params: string[];
  flags: Record<string, string>;
  usage: string;
  summary: string;
}

export const SUBCOMMANDS: Record<SubcommandName, Subcommand> = {
  help: { params: [], flags: {}, usage: "/migrate help", summary: "this list" },
  plan: {
    params: ["service", "version?"],
    flags: {},
    usage: "/migrate plan <service> <version> | /migrate plan <run>",
    summary: "preview the phases of a release, or every operation of a run's plan (only you see it)",
  },
  start: {
    params: ["service", "version"],
    flags: { "--dry-run": "dryRun" },
    usage: "/migrate start <service> <version> [--dry-run]",
    summary: "start the phased migration of a release",
  },
  status: {
    params: ["runId?"],
    flags: {},
    usage: "/migrate status [run]",
    summary: "a run's card, or the active runs",
  },
  list: { params: ["service?"], flags: {}, usage: "/migrate list [service]", summary: "the latest runs" },
  approve: {
    params: ["runId"],
    flags: {},
    usage: "/migrate approve <run>",
    summary: "approve the gate a run waits at (as the Approve button does)",
  },
  reject: {
    params: ["runId", "reason..."],
    flags: {},
    usage: "/migrate reject <run> <reason>",
    summary: "reject the gate a run waits at, saying why; the run stops",
  },
  cancel: {
    params: ["runId"],
    flags: {},
    usage: "/migrate cancel <run>",
    summary: "stop a run; nothing after the current step runs",
  },
  retry: {
    params: ["runId"],
    flags: {},
    usage: "/migrate retry <run>",
    summary: "start a failed run again from its failed step",
  },
  rollback: {
    params: ["runId"],
    flags: {},
    usage: "/migrate rollback <run>",
    summary:
      "roll back the deploy of a failed or rejected run to the release live before it (approvers; migrations stay)",
  },
  audit: {
    params: ["runId"],
    flags: {},
    usage: "/migrate audit <run>",
    summary: "who did what to a run, and when",
  },
  owed: {
    params: ["service"],
    flags: {},
    usage: "/migrate owed <service>",
    summary: "the migrations earlier releases left for the next ones (phasegate split's follow-ups)",
  },
  "drop-owed": {
    params: ["service", "migration", "reason..."],
    flags: {},
    usage: "/migrate drop-owed <service> <app.migration> <reason>",
    summary: "an approver forgets a follow-up, with a reason (audited)",
  },
  freeze: {
    params: ["scope", "reason..."],
    flags: {},
    usage: "/migrate freeze <service|all> <reason>",
    summary: "an admin stops new runs and contract steps of a service (or all), saying why",
  },
  unfreeze: {
    params: ["scope"],
    flags: {},
    usage: "/migrate unfreeze <service|all>",
    summary: "an admin lifts a freeze; the contract steps it held start",
  },
  freezes: {
    params: [],
    flags: {},
    usage: "/migrate freezes",
    summary: "the active freezes, and who froze and unfroze what lately",
  },
};

export type ParseResult = { ok: true; command: MigrateCommand } | { ok: false; message: string };

const LABELS: Record<string, string> = {
  service: "<service>",
  version: "<version>",
  runId: "<run>",
  migration: "<app.migration>",
  scope: "<service|all>",
  "reason...": "<reason>",
  reason: "<reason>",
};

/** How much of what the user typed an error message repeats. */
const ECHO_CHARS = 40;

/** The user's own words in an answer: short, and escaped so they cannot mention or link anything. */
export function echo(word: string): string {
  return `"${escapeText(truncate(word, ECHO_CHARS))}"`;
}

function fail(name: SubcommandName, problem: string): ParseResult {
  return { ok: false, message: `${problem}\nUsage: \`${SUBCOMMANDS[name].usage}\`` };
}

export function helpText(): string {
  const lines = Object.values(SUBCOMMANDS).map((s) => `• \`${s.usage}\` — ${s.summary}`);
  return `*phasegate* runs Django migrations as expand → deploy → approve → contract:\n${lines.join("\n")}`;
}

function isSubcommand(word: string): word is SubcommandName {
  return Object.hasOwn(SUBCOMMANDS, word);
}

/** Parses the text after `/migrate`; on error, the problem and the subcommand's one-line usage. */
export function parseMigrateCommand(text: string): ParseResult {
  const [first, ...words] = text.trim().split(/\s+/).filter(Boolean);
  if (first === undefined)
    return {
      ok: false,
      message: `Tell me what to do, for example \`/migrate plan shop v42\`.\n${helpText()}`,
    };
  const name = first.toLowerCase();
  if (!isSubcommand(name))
    return { ok: false, message: `Unknown subcommand ${echo(first)}. \`/migrate help\` lists them.` };
  const spec = SUBCOMMANDS[name];
  const fields: Record<string, unknown> = { name };
  for (const field of Object.values(spec.flags)) fields[field] = false;
  const rest = spec.params.findIndex((param) => param.endsWith("..."));
  const positional: string[] = [];
  for (const word of words) {
    // The rest of the line (a reason) is taken as written, dashes included.
    if (rest >= 0 && positional.length >= rest) positional.push(word);
    else if (!word.startsWith("--")) positional.push(word);
    else if (spec.flags[word]) fields[spec.flags[word]] = true;
    else return fail(name, `Unknown option ${echo(word)}.`);
  }
  spec.params.forEach((param, i) => {
    const field = param.replace(/(\?|\.\.\.)$/, "");
    const value = param.endsWith("...") ? positional.slice(i).join(" ") || undefined : positional[i];
    if (value !== undefined) fields[field] = value;
  });
  if (name === "plan" && positional.length === 1) {
    delete fields.service;
    Object.assign(fields, { name: "plan-run", runId: positional[0] });
  }
  const missing = spec.params.find((param, i) => !param.endsWith("?") && positional[i] === undefined);
  if (missing) return fail(name, `Missing ${LABELS[missing]}.`);
  const takesRest = spec.params.at(-1)?.endsWith("...");
  const extra = takesRest ? undefined : positional[spec.params.length];
  if (extra !== undefined) return fail(name, `Unexpected argument ${echo(extra)}.`);
  const parsed = migrateCommandSchema.safeParse(fields);
  if (parsed.success) return { ok: true, command: parsed.data };
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? "");
  return fail(
    name,
    `${echo(String(fields[field]))} is not a valid ${LABELS[field] ?? field}: ${issue?.message}.`,
  );
}
