import type { LoadedServices } from "../config/load-services.js";

/** Someone the page can act as. */
export interface Person {
  id: string;
  name: string;
  /** What they may do, shown in the user switcher. */
  role: string;
}

/** Who is in the sandbox's Slack: people, channels and user groups (with their members), by id. */
export interface Directory {
  people: Person[];
  channels: Record<string, string>;
  groups: Record<string, string[]>;
}

/**
 * The built-in story's cast: a requester, an approver (four-eyes keeps the requester from approving), an admin (who
 * may freeze the shop, and approve) and Eve.
 */
export const STORY_PEOPLE = {
  requester: { id: "U0ALICE", name: "alice", role: "requester (starts runs; may approve others' runs)" },
  approver: { id: "U0BOB", name: "bob", role: "approver" },
  admin: { id: "U0CAROL", name: "carol", role: "admin (freezes and unfreezes; approves)" },
  bystander: { id: "U0EVE", name: "eve", role: "may do nothing" },
} as const satisfies Record<string, Person>;

const BYSTANDER: Person = { id: "U0NOBODY", name: "nobody", role: "may do nothing" };

/** The people a services file names (starters, approvers, one member per approver group) and its channels. */
export function directoryOf(services: LoadedServices): Directory {
  const people = new Map<string, Person>();
  const channels: Record<string, string> = {};
  const groups: Record<string, string[]> = {};
  const add = (id: string, role: string) => {
    const known = people.get(id);
    if (known) known.role = known.role.includes(role) ? known.role : `${known.role}, ${role}`;
    else people.set(id, { id, name: id.toLowerCase(), role });
  };
  for (const [name, service] of Object.entries(services.services)) {
    for (const id of service.access.starters) add(id, `starts ${name}`);
    for (const id of service.access.approvers.users) add(id, `approves ${name}`);
    for (const group of service.access.approvers.usergroups) {
      const member = `U0${group.replace(/^S0?/, "")}MEMBER`;
      groups[group] = [member];
      add(member, `approves ${name} (member of ${group})`);
    }
    for (const channel of [service.slack.channel, ...service.slack.allowedChannels])
      channels[channel] ??= name;
  }
  return { people: [...people.values(), BYSTANDER], channels, groups };
}
