/** Resolves a Slack user group to its members (the Slack app provides it; without Slack, groups grant nothing). */
export interface UsergroupDirectory {
  /** The members, from an answer of Slack at most `maxAgeMs` old (the directory's own cache time when absent). */
  members(usergroup: string, maxAgeMs?: number): Promise<string[]>;
}
