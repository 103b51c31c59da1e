import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SUBCOMMANDS } from "../../src/slack/inbound/command-parser.js";
import { repoRoot } from "../../testkit/run-cli.js";

/** The bot scope each Web API method needs (api.slack.com/methods/<method>); a method absent here fails the test. */
const METHOD_SCOPES: Record<string, string[]> = {
  "auth.test": [],
  "chat.postMessage": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  "chat.update": ["chat:write"],
  "usergroups.users.list": ["usergroups:read"],
  "conversations.open": ["im:write"],
  "users.info": ["users:read"],
  "views.open": [],
  "views.update": [],
};

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => !file.includes(`${path.sep}slack-emulator${path.sep}`));
}

/** Every Web API method product code calls through a WebClient (`client.chat.update(…)`). */
async function calledMethods(): Promise<string[]> {
  const methods = new Set<string>();
  for (const file of await sourceFiles(path.join(repoRoot, "src"))) {
    const source = await readFile(file, "utf8");
    for (const match of source.matchAll(/\bclient\.((?:[a-z]+\.)+[a-zA-Z]+)\(/g)) methods.add(match[1] ?? "");
  }
  return [...methods].sort();
}

describe("manifests/slack-app.yaml", () => {
  it("declares /migrate and the buttons on the bot's endpoint", async () => {
    const manifest = parse(await readFile(path.join(repoRoot, "manifests", "slack-app.yaml"), "utf8"));
    const [command] = manifest.features.slash_commands;
    expect(command.command).toBe("/migrate");
    expect(new URL(command.url).pathname).toBe("/slack/events");
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe("/slack/events");
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it("hints every subcommand the bot parses, in the parser's own words, within Slack's 1,000 characters", async () => {
    const manifest = parse(await readFile(path.join(repoRoot, "manifests", "slack-app.yaml"), "utf8"));
    const [command] = manifest.features.slash_commands;
    const hint = Object.values(SUBCOMMANDS)
      .map((subcommand) => subcommand.usage.replaceAll("/migrate ", ""))
      .join(" | ");
    expect(command.usage_hint).toBe(hint);
    expect(hint.length).toBeLessThanOrEqual(1000);
  });

  it("asks for exactly the scopes of the Web API methods the code calls, and commands for /migrate", async () => {
    const manifest = parse(await readFile(path.join(repoRoot, "manifests", "slack-app.yaml"), "utf8"));
    const methods = await calledMethods();
    expect(methods).toEqual(
      expect.arrayContaining(["chat.postMessage", "chat.update", "usergroups.users.list"]),
    );
    expect(methods.filter((m) => !(m in METHOD_SCOPES))).toEqual([]);
    const needed = new Set(["commands", ...methods.flatMap((m) => METHOD_SCOPES[m] ?? [])]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});
