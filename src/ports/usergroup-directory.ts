/** Resolves a Slack user group to its members (the Slack app provides it; without Slack, groups grant nothing). */
export interface UsergroupDirectory {
  members(usergroup: string): Promise<string[]>;
}
