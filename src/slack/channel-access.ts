import type { ServiceConfig } from "../config/services-schema.js";
import type { ApprovalStep } from "../domain/plan/plan.js";
import { approvalsOf } from "../domain/run/approvals.js";
import type { Run } from "../domain/run/run.js";

/** `/migrate` for a service is taken in its own channel and the channels it allows, nowhere else. */
export function channelAllowed(service: ServiceConfig, channel: string): boolean {
  return service.slack.channel === channel || service.slack.allowedChannels.includes(channel);
}

type Services = Record<string, ServiceConfig>;
const byChannel = new WeakMap<Services, Map<string, string[]>>();

/**
 * The services `/migrate` is taken for in this channel, in the file's order. Indexed once per services file: a
 * `/migrate status` in a channel of hundreds of services read them all, for each request.
 */
export function servicesInChannel(services: Services, channel: string): readonly string[] {
  let index = byChannel.get(services);
  if (!index) {
    const built = new Map<string, string[]>();
    for (const [name, config] of Object.entries(services))
      for (const where of new Set([config.slack.channel, ...config.slack.allowedChannels])) {
        const names = built.get(where) ?? [];
        names.push(name);
        built.set(where, names);
      }
    byChannel.set(services, built);
    index = built;
  }
  return index.get(channel) ?? [];
}

/**
 * "<@U1> <!subteam^S1>": the approvers who may still decide the gate, so its opening notifies them and nobody
 * else: not the requester when four-eyes keeps them out, not who already approved it. (A group is pinged whole.)
 */
export function approverMentions(service: ServiceConfig, run: Run, step: ApprovalStep): string {
  const { users, usergroups } = service.access.approvers;
  const cannot = new Set(approvalsOf(run, step).map((a) => a.by));
  if (run.fourEyes) cannot.add(run.requester);
  const may = users.filter((u) => !cannot.has(u));
  return [...may.map((u) => `<@${u}>`), ...usergroups.map((g) => `<!subteam^${g}>`)].join(" ");
}
