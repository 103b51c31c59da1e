import type { ServiceConfig } from "../config/services-schema.js";

/** `/migrate` for a service is taken in its own channel and the channels it allows, nowhere else. */
export function channelAllowed(service: ServiceConfig, channel: string): boolean {
  return service.slack.channel === channel || service.slack.allowedChannels.includes(channel);
}

/** "<@U1> <!subteam^S1>": every approver of the service, so a gate opening notifies them. */
export function approverMentions(service: ServiceConfig): string {
  const { users, usergroups } = service.access.approvers;
  return [...users.map((u) => `<@${u}>`), ...usergroups.map((g) => `<!subteam^${g}>`)].join(" ");
}
