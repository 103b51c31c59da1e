import { z } from "zod";
import { serviceName } from "../config/services-schema.js";
import { MAX_REASON_CHARS } from "../domain/run/run.js";
import { hasVisibleText, INVISIBLE_REASON } from "../domain/run/visible-text.js";

/**
 * The actions people take on runs, said once: the `/migrate` subcommands and the `phasegate run` actions are both
 * generated from this table (grammar, validation, help, who may). What each surface prints stays with it
 * (src/slack/inbound/command-answers.ts, src/cli/run-command.ts); who may is decided by the use cases.
 */

/** A run id in its current form: the service, a generation and a number. */
export const RUN_ID_EXAMPLE = "shop-mik38h5c-2";

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
/** One rule for every reason (freeze, reject, drop-owed, cancel): a few words, at most MAX_REASON_CHARS. */
export const reason = z
  .string()
  .trim()
  .min(3, "say why, in a few words")
  .max(MAX_REASON_CHARS, `at most ${MAX_REASON_CHARS} characters`)
  .refine(hasVisibleText, INVISIBLE_REASON);
const runId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,75}-[0-9]{1,9}$/,
    `a run id is the service, a generation and a number, like ${RUN_ID_EXAMPLE} (see the list of runs)`,
  );

/** What an action's arguments may be, by field. */
export const ACTION_FIELDS = { service: serviceName, version, runId, migration, reason, scope: serviceName };
export type ActionField = keyof typeof ACTION_FIELDS;

/** How each field is written: a placeholder in `/migrate`, an option in `phasegate run`. */
export const FIELD_FORMS: Record<ActionField, { slack: string; cli: string }> = {
  service: { slack: "<service>", cli: "--service S" },
  version: { slack: "<version>", cli: "--version V" },
  runId: { slack: "<run>", cli: "--run ID" },
  migration: { slack: "<app.migration>", cli: "--migration APP.NAME" },
  reason: { slack: "<reason>", cli: "--reason TEXT" },
  scope: { slack: "<service|all>", cli: "--service S|all" },
};

export interface ActionParam {
  field: ActionField;
  optional?: boolean;
}

export interface ActionSpec {
  /** In order: positional in `/migrate` (a reason last takes the rest of the words), options in `phasegate run`. */
  params: ActionParam[];
  /** `--dry-run`: plan only, store nothing. */
  dryRun?: boolean;
  /** One line for both helps, who may included. */
  summary: string;
  /** Options only the terminal has, shown in its help (`[--gate G]`). */
  cliExtras?: string;
  /** Another way to call it, with these arguments instead (`plan <run>`). */
  or?: ActionParam[];
  /** Only `phasegate run` has it: `/migrate` answers where to run it instead. */
  cliOnly?: true;
}

const run: ActionParam = { field: "runId" };
const because: ActionParam = { field: "reason" };

export const ACTIONS = {
  plan: {
    params: [{ field: "service" }, { field: "version" }],
    or: [{ field: "runId" }],
    summary: "preview the phases of a release (nothing is stored), or every operation of a run's plan",
  },
  start: {
    params: [{ field: "service" }, { field: "version" }],
    dryRun: true,
    summary: "start the phased migration of a release",
  },
  status: { params: [{ field: "runId", optional: true }], summary: "a run's card, or the active runs" },
  list: {
    params: [{ field: "service", optional: true }],
    summary: "the latest runs",
    cliExtras: "[--limit N]",
  },
  approve: {
    params: [run],
    summary: "approve the gate a run waits at (as the Approve button does)",
    cliExtras: "[--gate G]",
  },
  reject: {
    params: [run, because],
    summary: "reject the gate a run waits at, saying why; the run stops",
    cliExtras: "[--gate G]",
  },
  cancel: {
    params: [run],
    summary: "stop a run; nothing after the current step runs",
    cliExtras: "[--reason TEXT]",
  },
  retry: { params: [run], summary: "start a failed run again from its failed step" },
  rollback: {
    params: [run],
    summary:
      "roll back the deploy of a failed, rejected or cancelled run to the release live before it (approvers; migrations stay)",
  },
  override: {
    params: [run, because],
    summary:
      "an admin lets a run past its analysis gate (waiting, or failed by it), saying why (audited); the approval is offered",
  },
  audit: { params: [run], summary: "who did what to a run, and when" },
  export: {
    params: [run],
    summary: "a run and its whole audit trail as JSON, to keep it past its retention (from a terminal only)",
    cliExtras: "[--out FILE]",
    cliOnly: true,
  },
  owed: {
    params: [{ field: "service" }],
    summary: "the migrations earlier releases left for the next ones (phasegate split's follow-ups)",
  },
  "drop-owed": {
    params: [{ field: "service" }, { field: "migration" }, because],
    summary: "an approver forgets a follow-up, with a reason (audited)",
  },
  freeze: {
    params: [{ field: "scope" }, because],
    summary: "an admin stops new runs and contract steps of a service (or all), saying why",
  },
  unfreeze: {
    params: [{ field: "scope" }],
    summary: "an admin lifts a freeze; the contract steps it held start",
  },
  freezes: {
    params: [],
    summary: "the active freezes, and who froze and unfroze what lately",
    cliExtras: "[--limit N]",
  },
} satisfies Record<string, ActionSpec>;

export type ActionName = keyof typeof ACTIONS;

export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

export function isActionName(word: string): word is ActionName {
  return Object.hasOwn(ACTIONS, word);
}

/** The table's entry of an action, as the general shape. */
export function actionSpec(name: ActionName): ActionSpec {
  return ACTIONS[name];
}

/** What a run action that applied did, in both answers. */
export const ACTION_DONE = {
  approve: (runId: string) => `Your approval of ${runId} is recorded.`,
  reject: (runId: string) => `${runId} rejected: the run stops, nothing destructive runs.`,
  cancel: (runId: string) => `Cancel of ${runId} recorded: nothing after the current step runs.`,
  retry: (runId: string) => `${runId} starts again from its failed step.`,
  rollback: (runId: string) =>
    `Rolling back the deploy of ${runId}: its card follows it. Migrations are not rolled back.`,
  override: (runId: string) =>
    `The analysis of ${runId} is overridden (recorded in its audit): the approval is offered.`,
} satisfies Partial<Record<ActionName, (runId: string) => string>>;
