import { describe, expect, it } from "vitest";
import { RUN_USAGE } from "../../src/cli/run-usage.js";
import { ACTION_NAMES, ACTIONS, actionSpec } from "../../src/ports/action-table.js";
import { helpText, parseMigrateCommand } from "../../src/slack/inbound/command-parser.js";

describe("one table for /migrate and phasegate run", () => {
  it("gives both helps every action, with the same summary", () => {
    const slack = helpText();
    for (const name of ACTION_NAMES) {
      const { summary } = ACTIONS[name];
      if (!actionSpec(name).cliOnly) {
        expect(slack, name).toContain(`\`/migrate ${name}`);
        expect(slack, name).toContain(summary);
      }
      expect(RUN_USAGE, name).toMatch(new RegExp(`^  ${name} `, "m"));
      expect(RUN_USAGE, name).toContain(summary);
    }
  });

  it("makes every action of the table a /migrate subcommand, or says a terminal-only one runs from a terminal", () => {
    for (const name of ACTION_NAMES) {
      const parsed = parseMigrateCommand(`${name} shop-mik38h5c-2`);
      if (!parsed.ok) expect(parsed.message).not.toContain("Unknown subcommand");
    }
    const exported = parseMigrateCommand("export shop-mik38h5c-2");
    expect(exported).toEqual({ ok: false, message: expect.stringContaining("runs from a terminal") });
    expect(helpText()).not.toContain("/migrate export");
  });
});
