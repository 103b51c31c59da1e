import type { LoadedServices } from "../config/load-services.js";
import { pipelineOf } from "../domain/run/pipeline-requester.js";
import type { Approvers } from "../ports/approvers.js";
import type { UsergroupDirectory } from "../ports/usergroup-directory.js";

/**
 * Who may decide is looked up when they click: a group's members as Slack said at most this long ago (someone
 * removed from the group is refused within seconds; concurrent clicks share one lookup, and one lookup every 3 s
 * stays within the 20 calls a minute Slack allows usergroups.users.list).
 */
const DECISION_MAX_AGE_MS = 3000;

/** Approvers from the services file: the listed users and the members of the listed user groups. */
export class ConfigApprovers implements Approvers {
  constructor(
    private readonly services: LoadedServices,
    private readonly usergroups: UsergroupDirectory | null = null,
  ) {}

  mayApprove({ service, user }: { service: string; user: string }): Promise<boolean> {
    return this.listed(this.services.services[service]?.access.approvers, user);
  }

  mayAdminister({ service, user }: { service: string; user: string }): Promise<boolean> {
    return this.listed(this.services.services[service]?.access.admins, user);
  }

  /** The user is one of the listed users, or a member of one of the listed user groups. */
  private async listed(people: { users: string[]; usergroups: string[] } | undefined, user: string) {
    if (!people) return false;
    if (people.users.includes(user)) return true;
    const directory = this.usergroups;
    if (!directory) return false;
    for (const group of people.usergroups) {
      if ((await directory.members(group, DECISION_MAX_AGE_MS)).includes(user)) return true;
    }
    return false;
  }

  async memberships({ user, groups }: { user: string; groups: string[] }): Promise<string[]> {
    const directory = this.usergroups;
    if (!directory) return [];
    const members = await Promise.all(groups.map((group) => directory.members(group, DECISION_MAX_AGE_MS)));
    return groups.filter((_, i) => members[i]?.includes(user));
  }
}

/**
 * Everyone may start a run when the service lists no starters. A pipeline's run comes through the API, which let
 * it in with a token of the service's `pipeline.tokens`.
 */
export function mayStart(services: LoadedServices, service: string, user: string): boolean {
  const starters = services.services[service]?.access.starters;
  if (starters === undefined) return false;
  return starters.length === 0 || starters.includes(user) || pipelineOf(user) !== null;
}
