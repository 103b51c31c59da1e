import type { LoadedServices } from "../../config/load-services.js";
import { finishedRunMs } from "../../config/retention-schema.js";
import type { ServiceConfig } from "../../config/services-schema.js";
import { ALL_SERVICES, type Freeze, freezesOf } from "../../domain/run/contract-hold.js";
import { keptNote } from "../../domain/run/retention.js";
import { isTerminal, type Run } from "../../domain/run/run.js";
import { ACTION_DONE } from "../../ports/action-table.js";
import type { ActionResult, UseCases } from "../../ports/use-cases.js";
import { followUpLines, owedAnswer } from "../blocks/follow-up-messages.js";
import { freezeEffect, freezeLine, freezesAnswer } from "../blocks/freeze-messages.js";
import { escapeText, type SlackMessage, sections } from "../blocks/kit.js";
import { escapeNaming, peopleOf } from "../blocks/mentions.js";
import { planPreview, refusalAnswer } from "../blocks/plan-preview.js";
import { auditAnswer, runList } from "../blocks/run-answers.js";
import { runPlanAnswer } from "../blocks/run-plan.js";
import { statusCard } from "../blocks/status-card.js";
import { channelAllowed, servicesInChannel } from "../channel-access.js";
import { helpText, type MigrateCommand } from "./command-parser.js";

export interface CommandDeps {
  useCases: UseCases;
  services: LoadedServices;
}

/** Who typed the command, and where. */
export interface Caller {
  user: string;
  channel: string;
  /** Tells the caller something before the answer (a plan waiting for its turn); never throws. */
  notify?: (text: string) => void;
}

function text(message: string): SlackMessage {
  return { text: message, blocks: sections([message]) };
}

/** `people`: whose Slack user ids in the message are written as mentions (the caller, the run's people). */
function refused(message: string, people: string[] = []): SlackMessage {
  return text(`:no_entry: ${escapeNaming(message, people)}`);
}

/** The service's config when the caller may act on it from this channel, else the answer saying why not. */
function serviceFor(deps: CommandDeps, service: string, caller: Caller): ServiceConfig | SlackMessage {
  const config = deps.services.services[service];
  if (!config) {
    const known = Object.keys(deps.services.services).join(", ");
    return refused(`No service named "${service}" (known: ${known}). Nothing was started.`);
  }
  if (channelAllowed(config, caller.channel)) return config;
  const where = [config.slack.channel, ...config.slack.allowedChannels].map((c) => `<#${c}>`).join(", ");
  return text(`:no_entry: \`/migrate\` for ${service} works in ${where}, not here. Nothing was changed.`);
}

const isAnswer = (value: object): value is SlackMessage => "blocks" in value;

/** Reads are scoped like writes: a run is shown only in its service's channels. */
async function readRun<T extends SlackMessage | SlackMessage[]>(
  deps: CommandDeps,
  caller: Caller,
  runId: string,
  answer: (run: Run) => T | Promise<T>,
): Promise<SlackMessage | T> {
  const run = await deps.useCases.status(runId);
  if (!run) return notFound(deps, runId);
  const config = serviceFor(deps, run.service, caller);
  return isAnswer(config) ? config : answer(run);
}

/** The services this channel may see, or why it sees none. */
function servicesHere(deps: CommandDeps, caller: Caller): readonly string[] | SlackMessage {
  const here = servicesInChannel(deps.services.services, caller.channel);
  if (here.length === 0)
    return text(":no_entry: No service is run from this channel: ask in a service's own channel.");
  return here;
}

/** The newest runs of the services this channel may see, or why it sees none. */
async function runsHere(deps: CommandDeps, caller: Caller, limit: number): Promise<Run[] | SlackMessage> {
  const here = servicesHere(deps, caller);
  if (isAnswer(here)) return here;
  return deps.useCases.list({ services: here, limit });
}

function notFound(deps: CommandDeps, runId: string): SlackMessage {
  return refused(
    `No run ${runId} (${keptNote(finishedRunMs(deps.services.retention))}). \`/migrate list\` shows the latest runs.`,
  );
}

function actionAnswer(result: ActionResult, done: string, user: string): SlackMessage {
  if (result.ok) return text(`:white_check_mark: ${done}`);
  return refused(result.message, [user, ...(result.run ? peopleOf(result.run) : [])]);
}

type RunActionCommand = MigrateCommand & { name: keyof typeof ACTION_DONE };

function act(deps: CommandDeps, command: RunActionCommand, user: string): Promise<ActionResult> {
  const { runId } = command;
  switch (command.name) {
    case "approve":
      return deps.useCases.approve({ runId, user });
    case "reject":
      return deps.useCases.reject({ runId, user, reason: command.reason });
    case "cancel":
      return deps.useCases.cancel({ runId, user });
    case "retry":
      return deps.useCases.retry({ runId, user });
    case "rollback":
      return deps.useCases.rollback({ runId, user });
    case "override":
      return deps.useCases.overrideAnalysis({ runId, user, reason: command.reason });
  }
}

/** approve, reject, cancel, retry, rollback, override: in the run's own channels only. */
async function runAction(
  deps: CommandDeps,
  caller: Caller,
  command: RunActionCommand,
): Promise<SlackMessage> {
  const run = await deps.useCases.status(command.runId);
  if (!run) return notFound(deps, command.runId);
  const config = serviceFor(deps, run.service, caller);
  if (isAnswer(config)) return config;
  const done = ACTION_DONE[command.name](command.runId);
  return actionAnswer(await act(deps, command, caller.user), done, caller.user);
}

/** `/migrate status`: a run's card, or the active runs of the services this channel may see. */
async function status(deps: CommandDeps, caller: Caller, runId: string | undefined) {
  if (runId) return readRun(deps, caller, runId, statusCard);
  const here = servicesHere(deps, caller);
  if (isAnswer(here)) return here;
  const runs = await runsHere(deps, caller, 100);
  if (isAnswer(runs)) return runs;
  const active = runs.filter((r) => !isTerminal(r.status));
  return runList(`Active runs (${active.length})`, active, await freezesFor(deps, here));
}

/** `/migrate list`: the latest runs of a service, or of the services this channel may see. */
async function list(deps: CommandDeps, caller: Caller, service: string | undefined): Promise<SlackMessage> {
  if (service) {
    const config = serviceFor(deps, service, caller);
    if (isAnswer(config)) return config;
    const runs = await deps.useCases.list({ service, limit: 20 });
    return runList(`Latest runs of ${service}`, runs, await freezesFor(deps, [service]));
  }
  const here = servicesHere(deps, caller);
  if (isAnswer(here)) return here;
  const runs = await runsHere(deps, caller, 20);
  if (isAnswer(runs)) return runs;
  return runList("Latest runs", runs, await freezesFor(deps, here));
}

async function start(deps: CommandDeps, caller: Caller, c: MigrateCommand & { name: "start" | "plan" }) {
  const config = serviceFor(deps, c.service, caller);
  if (isAnswer(config)) return config;
  const dryRun = c.name === "plan" || c.dryRun;
  const result = await deps.useCases.startRun({
    service: c.service,
    version: c.version,
    requester: caller.user,
    dryRun,
    onQueued: (ahead, limit) =>
      caller.notify?.(
        `:hourglass_flowing_sand: ${ahead} plan${ahead === 1 ? "" : "s"} ahead of yours (phasegate reads ${limit} release${limit === 1 ? "" : "s"} at a time); your answer follows.`,
      ),
  });
  if (!result.ok && (result.code === "not-allowed" || result.code === "frozen"))
    return refused(result.message, [caller.user, ...(await freezers(deps))]);
  if (!result.ok) {
    const owed = result.followUps ? followUpLines(c.service, result.followUps) : [];
    return refusalAnswer(result.message, result.refusals, config.project.path, owed);
  }
  if (result.dryRun)
    return planPreview(c.service, c.version, result.plan, result.followUps, result.outlook, result.liveFacts);
  const owed = followUpLines(c.service, result.followUps);
  const started = result.cardProblem
    ? `:warning: Created *${result.run.id}* (${c.service} ${c.version}), but Slack did not take its card in <#${config.slack.channel}>: ${escapeText(result.cardProblem)}. The run does not start its first step until the card is posted; phasegate keeps trying. \`/migrate cancel ${result.run.id}\` drops it.`
    : `:rocket: Started *${result.run.id}* (${c.service} ${c.version}). Follow it in <#${config.slack.channel}>; \`/migrate cancel ${result.run.id}\` stops it.`;
  return { text: started, blocks: sections([started, ...owed]) };
}

/** Who froze what is frozen now: refusals that name a freeze mention them. */
async function freezers(deps: CommandDeps): Promise<string[]> {
  return (await deps.useCases.freezes()).map((f) => f.by);
}

/** The freezes that hold any of the services (a freeze of all once). */
async function freezesFor(deps: CommandDeps, services: readonly string[]): Promise<Freeze[]> {
  const freezes = await deps.useCases.freezes();
  return freezes.filter((f) => services.some((s) => freezesOf(s, [f]).length > 0));
}

/** A known service is frozen from its channels; all (or a name phasegate does not know) from any service's. */
async function freezeCommand(
  deps: CommandDeps,
  caller: Caller,
  c: MigrateCommand & { name: "freeze" | "unfreeze" },
): Promise<SlackMessage> {
  const where = deps.services.services[c.scope]
    ? serviceFor(deps, c.scope, caller)
    : servicesHere(deps, caller);
  if (isAnswer(where)) return where;
  const input = { scope: c.scope, user: caller.user };
  const result =
    c.name === "freeze"
      ? await deps.useCases.freeze({ ...input, reason: c.reason })
      : await deps.useCases.unfreeze(input);
  if (!result.ok) return refused(result.message, [caller.user, ...(await freezers(deps))]);
  const scope = escapeText(c.scope);
  if (c.name === "freeze") {
    const held = c.scope === ALL_SERVICES ? Object.keys(deps.services.services) : [c.scope];
    return text(`${freezeLine(result.freeze)}\n${freezeEffect(c.scope, held, result.running)}`);
  }
  return text(
    `:sunny: ${c.scope === ALL_SERVICES ? "Every service" : scope} unfrozen; the contract steps the freeze held start now (within their change windows).`,
  );
}

/** `/migrate freezes`: like every read, nothing about the services of other channels. */
async function freezesHere(deps: CommandDeps, caller: Caller): Promise<SlackMessage> {
  const here = servicesHere(deps, caller);
  if (isAnswer(here)) return here;
  const concerns = (scope: string) => here.includes(scope) || !deps.services.services[scope];
  const audit = (await deps.useCases.freezeAudit(100)).filter((e) => concerns(e.scope)).slice(0, 20);
  return freezesAnswer(await freezesFor(deps, here), audit);
}

async function dropOwed(deps: CommandDeps, caller: Caller, c: MigrateCommand & { name: "drop-owed" }) {
  const config = serviceFor(deps, c.service, caller);
  if (isAnswer(config)) return config;
  const result = await deps.useCases.dropFollowUp({ ...c, user: caller.user });
  if (!result.ok) return refused(result.message, [caller.user]);
  const { dropped } = result;
  return text(
    `:wastebasket: ${c.migration.app}.${c.migration.name} is no longer owed by ${c.service} (declared in ${dropped.runId}); the reason is in \`/migrate audit ${dropped.runId}\`.`,
  );
}

/** What the caller sees for a parsed `/migrate` command: one message, or several for a list too long for one. */
export async function answerCommand(
  deps: CommandDeps,
  command: MigrateCommand,
  caller: Caller,
): Promise<SlackMessage | SlackMessage[]> {
  switch (command.name) {
    case "help":
      return text(helpText());
    case "plan":
    case "start":
      return start(deps, caller, command);
    case "plan-run":
      return readRun(deps, caller, command.runId, runPlanAnswer);
    case "status":
      return status(deps, caller, command.runId);
    case "list":
      return list(deps, caller, command.service);
    case "approve":
    case "reject":
    case "cancel":
    case "retry":
    case "rollback":
    case "override":
      return runAction(deps, caller, command);
    case "audit": {
      const runId = command.runId;
      return readRun(deps, caller, runId, async () => {
        const entries = await deps.useCases.audit(runId);
        return entries ? auditAnswer(runId, entries) : notFound(deps, runId);
      });
    }
    case "owed": {
      const config = serviceFor(deps, command.service, caller);
      if (isAnswer(config)) return config;
      return owedAnswer(command.service, (await deps.useCases.owed(command.service)) ?? []);
    }
    case "drop-owed":
      return dropOwed(deps, caller, command);
    case "freeze":
    case "unfreeze":
      return freezeCommand(deps, caller, command);
    case "freezes":
      return freezesHere(deps, caller);
  }
}
