import { describe, expect, it } from "vitest";
import { commandHints, matchingHints } from "../../../src/sandbox/page/hints.js";
import { parseMigrateCommand } from "../../../src/slack/inbound/command-parser.js";

describe("the sandbox composer's hints", () => {
  const hints = commandHints(["shop", "inventory"], true);

  it.each(hints)("%s is a whole command the parser takes", (hint) => {
    expect(hint.startsWith("/migrate ")).toBe(true);
    const parsed = parseMigrateCommand(hint.slice("/migrate ".length));
    expect(parsed.ok ? "ok" : parsed.message).toBe("ok");
  });

  it("suggest the story's steps first, then what continues the typed text", () => {
    expect(hints.slice(0, 3)).toEqual([
      "/migrate plan shop v3",
      "/migrate start shop v2",
      "/migrate start shop v3",
    ]);
    expect(matchingHints(hints, "/migrate li")).toEqual([
      "/migrate list shop",
      "/migrate list inventory",
      "/migrate list",
    ]);
    expect(matchingHints(hints, "hello")).toEqual([]);
  });
});
