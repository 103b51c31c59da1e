import type { webApi } from "@slack/bolt";
import { z } from "zod";
import type { Logger } from "../../ports/logger.js";
import type { UsergroupDirectory } from "../../ports/usergroup-directory.js";
import { recordSlackApiError } from "../slack-metrics.js";

const membersAnswer = z.object({ users: z.array(z.string()) });

interface Entry {
  members: Promise<string[]>;
  fetchedAt: number;
}

export interface UsergroupDirectoryOptions {
  ttlMs?: number;
  now?: () => Date;
}

/**
 * Members of Slack user groups through `usergroups.users.list`, cached for a while for mentions and reminders;
 * a decision asks for a recent answer. Concurrent lookups of one group share one call; a failed lookup grants
 * nothing and is not cached.
 */
export class SlackUsergroupDirectory implements UsergroupDirectory {
  private readonly cache = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly logger: Logger,
    options: UsergroupDirectoryOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.now = options.now ?? (() => new Date());
  }

  members(usergroup: string, maxAgeMs = this.ttlMs): Promise<string[]> {
    const cached = this.cache.get(usergroup);
    if (cached && this.now().getTime() - cached.fetchedAt < maxAgeMs) return cached.members;
    const members = this.fetch(usergroup);
    this.cache.set(usergroup, { members, fetchedAt: this.now().getTime() });
    return members;
  }

  private async fetch(usergroup: string): Promise<string[]> {
    try {
      return membersAnswer.parse(await this.client.usergroups.users.list({ usergroup })).users;
    } catch (error) {
      recordSlackApiError("usergroups.users.list", error);
      this.cache.delete(usergroup);
      this.logger.error(
        { err: error, usergroup },
        "could not list the members of a user group: check the id in access.approvers.usergroups and the usergroups:read scope",
      );
      return [];
    }
  }
}
