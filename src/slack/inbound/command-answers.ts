import type { LoadedServices } from "../../config/load-services.js";
import type { ServiceConfig } from "../../config/services-schema.js";
import { isTerminal } from "../../domain/run/run.js";
import type { ActionResult, UseCases } from "../../ports/use-cases.js";
import { channelAllowed } from "../access.js";
import { escapeText, type SlackMessage, sections } from "../blocks/kit.js";
import { planPreview, refusalAnswer } from "../blocks/plan-preview.js";
import { auditAnswer, runList } from "../blocks/run-answers.js";
import { statusCard } from "../blocks/status-card.js";
import { helpText, type MigrateCommand } from "./command-parser.js";

export interface CommandDeps {
  useCases: UseCases;
  services: LoadedServices;
}

/** Who typed the command, and where. */
export interface Caller {
  user: string;
  channel: string;
}

function text(message: string): SlackMessage {
  return { text: message, blocks: sections([message]) };
}

function refused(message: string): SlackMessage {
  return text(`:no_entry: ${escapeText(message)}`);
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

const isAnswer = (value: ServiceConfig | SlackMessage): value is SlackMessage => "blocks" in value;

function notFound(runId: string): SlackMessage {
  return refused(`No run ${runId}. \`/migrate list\` shows the latest runs.`);
}

function actionAnswer(result: ActionResult, done: string): SlackMessage {
  return result.ok ? text(`:white_check_mark: ${done}`) : refused(result.message);
}

async function runAction(
  deps: CommandDeps,
  caller: Caller,
  runId: string,
  act: () => Promise<ActionResult>,
  done: string,
): Promise<SlackMessage> {
  const run = await deps.useCases.status(runId);
  if (!run) return notFound(runId);
  const config = serviceFor(deps, run.service, caller);
  if (isAnswer(config)) return config;
  return actionAnswer(await act(), done);
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
  });
  if (!result.ok) return refusalAnswer(result.message, result.refusals);
  if (result.dryRun) return planPreview(c.service, c.version, result.plan);
  if (result.cardProblem)
    return text(
      `:warning: Created *${result.run.id}* (${c.service} ${c.version}), but Slack did not take its card in <#${config.slack.channel}>: ${escapeText(result.cardProblem)}. The run does not start its first step until the card is posted; phasegate keeps trying. \`/migrate cancel ${result.run.id}\` drops it.`,
    );
  return text(
    `:rocket: Started *${result.run.id}* (${c.service} ${c.version}). Follow it in <#${config.slack.channel}>; \`/migrate cancel ${result.run.id}\` stops it.`,
  );
}

/** What the caller sees for a parsed `/migrate` command. */
export async function answerCommand(
  deps: CommandDeps,
  command: MigrateCommand,
  caller: Caller,
): Promise<SlackMessage> {
  switch (command.name) {
    case "help":
      return text(helpText());
    case "plan":
    case "start":
      return start(deps, caller, command);
    case "status": {
      if (!command.runId) {
        const active = (await deps.useCases.list({ limit: 100 })).filter((r) => !isTerminal(r.status));
        return runList(`Active runs (${active.length})`, active);
      }
      const run = await deps.useCases.status(command.runId);
      return run ? statusCard(run) : notFound(command.runId);
    }
    case "list": {
      if (command.service && !deps.services.services[command.service]) {
        const known = Object.keys(deps.services.services).join(", ");
        return refused(`No service named "${command.service}" (known: ${known}).`);
      }
      const runs = await deps.useCases.list({ service: command.service, limit: 20 });
      return runList(`Latest runs${command.service ? ` of ${command.service}` : ""}`, runs);
    }
    case "cancel":
      return runAction(
        deps,
        caller,
        command.runId,
        () => deps.useCases.cancel({ runId: command.runId, user: caller.user }),
        `Cancel of ${command.runId} recorded: nothing after the current step runs.`,
      );
    case "retry":
      return runAction(
        deps,
        caller,
        command.runId,
        () => deps.useCases.retry({ runId: command.runId, user: caller.user }),
        `${command.runId} starts again from its failed step.`,
      );
    case "audit": {
      const entries = await deps.useCases.audit(command.runId);
      return entries ? auditAnswer(command.runId, entries) : notFound(command.runId);
    }
  }
}
