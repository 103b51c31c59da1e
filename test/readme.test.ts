import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../testkit/run-cli.js";

const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
const scripts = Object.keys(
  (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { scripts: object }).scripts,
);

/** Every distinct match of the first group of `pattern` in the README. */
function mentions(pattern: RegExp): string[] {
  return [...new Set([...readme.matchAll(pattern)].map((match) => match[1] ?? ""))];
}

describe("the README's commands exist", () => {
  it("every npm script it names is in package.json", () => {
    const named = mentions(/npm run ([\w:-]+)/g);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((script) => !scripts.includes(script))).toEqual([]);
    expect(scripts).toContain("test");
  });

  it("every phasegate command it names answers --help", async () => {
    const commands = mentions(/`(?:npx )?phasegate ((?:config )?[a-z]+)/g);
    expect(commands).toEqual(
      expect.arrayContaining(["plan", "config check", "bot", "worker", "all", "run", "sandbox"]),
    );
    for (const command of commands) {
      const run = await runCli([...command.split(" "), "--help"]);
      expect({ command, code: run.code, stderr: run.stderr }).toEqual({ command, code: 0, stderr: "" });
      expect(run.stdout).toContain("Usage: phasegate");
    }
  });

  it("the quick start bootstraps the machine, then starts the sandbox and runs npm test", () => {
    const quickStart = readme.split("## Quick start")[1]?.split("```sh\n")[1]?.split("```")[0];
    expect(quickStart?.trim().split("\n")).toEqual([
      "bash scripts/bootstrap.sh && node bin/phasegate.js sandbox",
      "npm test",
    ]);
    expect(readFileSync(path.join(repoRoot, ".ci", "run"), "utf8")).toMatch(
      /bash scripts\/bootstrap\.sh\nnpm test\n/,
    );
  });
});
