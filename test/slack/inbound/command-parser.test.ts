import { describe, expect, it } from "vitest";
import { helpText, parseMigrateCommand } from "../../../src/slack/inbound/command-parser.js";

function problem(text: string): string {
  const result = parseMigrateCommand(text);
  if (result.ok) throw new Error(`"${text}" parsed: ${JSON.stringify(result.command)}`);
  return result.message;
}

describe("parseMigrateCommand", () => {
  it.each([
    ["help", { name: "help" }],
    ["plan shop v42", { name: "plan", service: "shop", version: "v42" }],
    ["plan shop-12", { name: "plan-run", runId: "shop-12" }],
    ["start shop v42", { name: "start", service: "shop", version: "v42", dryRun: false }],
    [
      "  START   shop 1.2.3_rc-1 --dry-run ",
      { name: "start", service: "shop", version: "1.2.3_rc-1", dryRun: true },
    ],
    ["start shop --dry-run v42", { name: "start", service: "shop", version: "v42", dryRun: true }],
    ["status", { name: "status" }],
    ["status shop-12", { name: "status", runId: "shop-12" }],
    ["list", { name: "list" }],
    ["list billing", { name: "list", service: "billing" }],
    ["cancel shop-3", { name: "cancel", runId: "shop-3" }],
    ["approve shop-3", { name: "approve", runId: "shop-3" }],
    [
      "reject shop-3  wrong   release --really",
      { name: "reject", runId: "shop-3", reason: "wrong release --really" },
    ],
    ["retry shop-3", { name: "retry", runId: "shop-3" }],
    ["audit my-svc-3", { name: "audit", runId: "my-svc-3" }],
    ["owed shop", { name: "owed", service: "shop" }],
    [
      "drop-owed shop inventory.0004_x  the column   stays nullable",
      {
        name: "drop-owed",
        service: "shop",
        migration: { app: "inventory", name: "0004_x" },
        reason: "the column stays nullable",
      },
    ],
    ["freeze shop incident 123 --now", { name: "freeze", scope: "shop", reason: "incident 123 --now" }],
    ["freeze all holidays", { name: "freeze", scope: "all", reason: "holidays" }],
    ["unfreeze all", { name: "unfreeze", scope: "all" }],
    ["freezes", { name: "freezes" }],
  ])("reads %j", (text, command) => {
    expect(parseMigrateCommand(text)).toEqual({ ok: true, command });
  });

  it("drop-owed needs an app.migration and a reason", () => {
    expect(problem("drop-owed shop 0004_x because")).toContain('"0004_x" is not a valid <app.migration>');
    expect(problem("drop-owed shop inventory.0004_x")).toBe(
      "Missing <reason>.\nUsage: `/migrate drop-owed <service> <app.migration> <reason>`",
    );
  });

  it("takes a reason by one rule, for reject as for freeze", () => {
    expect(problem("reject shop-3 ok")).toContain('"ok" is not a valid <reason>: say why, in a few words');
    const long = "x".repeat(501);
    expect(problem(`reject shop-3 ${long}`)).toContain("at most 500 characters");
    expect(problem(`freeze shop ${long}`)).toContain("at most 500 characters");
  });

  it("names the run id in its current form", () => {
    expect(problem("status shop_1")).toContain("like shop-mik38h5c-2");
  });

  it("freeze needs a service (or all) and a reason", () => {
    expect(problem("freeze shop")).toBe("Missing <reason>.\nUsage: `/migrate freeze <service|all> <reason>`");
    expect(problem("freeze shop ok")).toContain('"ok" is not a valid <reason>: say why, in a few words');
    expect(problem("freeze Shop! incident")).toContain(
      "is not a valid <service|all>: service names are lower-case",
    );
    expect(problem(`freeze shop ${"x".repeat(501)}`)).toContain("at most 500 characters");
  });

  it("answers empty text with what to type", () => {
    expect(problem("   ")).toContain("Tell me what to do");
    expect(problem("")).toContain("/migrate start <service> <version> [--dry-run]");
  });

  it("names an unknown subcommand and points to help", () => {
    expect(problem("deploy shop v1")).toBe('Unknown subcommand "deploy". `/migrate help` lists them.');
  });

  it.each([
    ["start", "Missing <service>.", "/migrate start <service> <version> [--dry-run]"],
    ["start shop", "Missing <version>.", "/migrate start <service> <version> [--dry-run]"],
    ["start shop v1 now", 'Unexpected argument "now".', "/migrate start <service> <version> [--dry-run]"],
    ["start shop v1 --force", 'Unknown option "--force".', "/migrate start <service> <version> [--dry-run]"],
    ["plan shop v1 --dry-run", 'Unknown option "--dry-run".', "/migrate plan <service> <version>"],
    ["start Shop v1", '"Shop" is not a valid <service>', "/migrate start"],
    ["start shop v1;rm", '"v1;rm" is not a valid <version>: a version is a release tag', "/migrate start"],
    ["plan shop $(id)", '"$(id)" is not a valid <version>', "/migrate plan"],
    [
      "plan shop",
      '"shop" is not a valid <run>: a run id is the service, a generation and a number',
      "/migrate plan",
    ],
    ["plan", "Missing <service>.", "/migrate plan <service> <version> | /migrate plan <run>"],
    ["start shop .hidden", '".hidden" is not a valid <version>', "/migrate start"],
    [`start shop ${"a".repeat(129)}`, "is not a valid <version>", "/migrate start"],
    [
      "status shop",
      '"shop" is not a valid <run>: a run id is the service, a generation and a number, like shop-mik38h5c-2',
      "/migrate status [run]",
    ],
    ["status shop-1 shop-2", 'Unexpected argument "shop-2".', "/migrate status [run]"],
    ["cancel", "Missing <run>.", "/migrate cancel <run>"],
    ["reject shop-3", "Missing <reason>.", "/migrate reject <run> <reason>"],
    ["approve shop-3 now", 'Unexpected argument "now".', "/migrate approve <run>"],
    ["retry <@U123>", '"&lt;@U123&gt;" is not a valid <run>', "/migrate retry <run>"],
    [`start shop ${"x".repeat(10_000)}`, `"${"x".repeat(39)}…" is not a valid <version>`, "/migrate start"],
    ["<!channel>", 'Unknown subcommand "&lt;!channel&gt;"', ""],
    ["audit shop-1 extra", 'Unexpected argument "extra".', "/migrate audit <run>"],
    ["list shop billing", 'Unexpected argument "billing".', "/migrate list [service]"],
    ["help me", 'Unexpected argument "me".', "/migrate help"],
  ])("refuses %j with the problem and the usage", (text, what, usage) => {
    const message = problem(text);
    expect(message).toContain(what);
    // What the user typed comes back short and escaped: no mention, no link, no 10 KB echo.
    expect(message).not.toMatch(/<[@!#]/);
    expect(message.length).toBeLessThan(300);
    if (usage) expect(message).toContain(`Usage: \`${usage}`);
  });

  it("lists every subcommand in the help", () => {
    for (const name of [
      "help",
      "plan",
      "start",
      "status",
      "list",
      "approve",
      "reject",
      "cancel",
      "retry",
      "audit",
    ])
      expect(helpText()).toContain(`/migrate ${name}`);
  });
});
