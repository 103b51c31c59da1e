import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../../testkit/run-cli.js";

describe("manifests/slack-app.yaml", () => {
  it("declares /migrate and the buttons on the bot's endpoint, with the scopes the bot's calls need", async () => {
    const manifest = parse(await readFile(path.join(repoRoot, "manifests", "slack-app.yaml"), "utf8"));
    const [command] = manifest.features.slash_commands;
    expect(command.command).toBe("/migrate");
    expect(new URL(command.url).pathname).toBe("/slack/events");
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe("/slack/events");
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual([
      "chat:write",
      "commands",
      "usergroups:read",
      "users:read",
    ]);
    for (const name of ["help", "plan", "start", "status", "list", "cancel", "retry", "audit"])
      expect(command.usage_hint).toContain(name);
  });
});
