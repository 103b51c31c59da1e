import { z } from "zod";
import {
  ACTION_FIELDS,
  ACTION_NAMES,
  type ActionName,
  type ActionParam,
  actionSpec,
  FIELD_FORMS,
  isActionName,
} from "../../ports/action-table.js";
import { escapeText, truncate } from "../blocks/kit.js";

const { service, version, runId, migration, reason, scope } = ACTION_FIELDS;

/** What `/migrate …` asks for, once parsed and validated: the actions of src/ports/action-table.ts, and help. */
export const migrateCommandSchema = z.discriminatedUnion("name", [
  z.strictObject({ name: z.literal("help") }),
  z.strictObject({ name: z.literal("plan"), service, version }),
  /** `/migrate plan <run>`: the plan a run was started with, every operation of it. */
  z.strictObject({ name: z.literal("plan-run"), runId }),
  z.strictObject({ name: z.literal("start"), service, version, dryRun: z.boolean() }),
  z.strictObject({ name: z.literal("status"), runId: runId.optional() }),
  z.strictObject({ name: z.literal("list"), service: service.optional() }),
  z.strictObject({ name: z.literal("approve"), runId }),
  z.strictObject({ name: z.literal("reject"), runId, reason }),
  z.strictObject({ name: z.literal("cancel"), runId }),
  z.strictObject({ name: z.literal("retry"), runId }),
  z.strictObject({ name: z.literal("rollback"), runId }),
  z.strictObject({ name: z.literal("override"), runId, reason }),
  z.strictObject({ name: z.literal("audit"), runId }),
  z.strictObject({ name: z.literal("owed"), service }),
  z.strictObject({ name: z.literal("drop-owed"), service, migration, reason }),
  /** `scope`: a service, or "all". */
  z.strictObject({ name: z.literal("freeze"), scope, reason }),
  z.strictObject({ name: z.literal("unfreeze"), scope }),
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

/** `[run]` when optional, `<run>` else. */
function placeholder(param: ActionParam): string {
  const form = FIELD_FORMS[param.field].slack;
  return param.optional ? `[${form.slice(1, -1)}]` : form;
}

function usageOf(name: string, params: ActionParam[], dryRun: boolean | undefined): string {
  return [`/migrate ${name}`, ...params.map(placeholder), ...(dryRun ? ["[--dry-run]"] : [])].join(" ");
}

/** A subcommand from its action: a reason last takes the rest of the line. */
function subcommand(name: ActionName): Subcommand {
  const spec = actionSpec(name);
  const usage = [spec.params, ...(spec.or ? [spec.or] : [])].map((params) =>
    usageOf(name, params, spec.dryRun),
  );
  return {
    params: spec.params.map(
      (p, i) =>
        p.field + (p.field === "reason" ? "..." : p.optional || (spec.or && i >= spec.or.length) ? "?" : ""),
    ),
    flags: spec.dryRun ? { "--dry-run": "dryRun" } : {},
    usage: usage.join(" | "),
    summary: spec.summary,
  };
}

export const SUBCOMMANDS: Record<SubcommandName, Subcommand> = {
  help: { params: [], flags: {}, usage: "/migrate help", summary: "this list" },
  ...(Object.fromEntries(
    ACTION_NAMES.filter((name) => !actionSpec(name).cliOnly).map((name) => [name, subcommand(name)]),
  ) as Omit<Record<SubcommandName, Subcommand>, "help">),
};

export type ParseResult = { ok: true; command: MigrateCommand } | { ok: false; message: string };

const LABELS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(FIELD_FORMS).map(([field, form]) => [field, form.slack])),
  "reason...": FIELD_FORMS.reason.slack,
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
  if (isActionName(name) && actionSpec(name).cliOnly)
    return {
      ok: false,
      message: `\`${name}\` runs from a terminal, not in Slack: \`phasegate run ${name} --help\` there says how.`,
    };
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
