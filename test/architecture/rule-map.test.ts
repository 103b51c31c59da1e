import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../testkit/run-cli.js";

const HEADING = "## Where each rule is decided";
const RULES = [
  "Four-eyes",
  "Approver groups",
  "N-of-M",
  "Gate tokens",
  "Change windows and freezes",
  "Verdict rules",
  "Lock notes",
  "Message limits",
  "Retries",
  "Take-over",
  "Retention",
];

/** The section's bullets, each joined onto one line. */
function ruleBullets(): string[] {
  const doc = readFileSync(path.join(repoRoot, "docs", "architecture.md"), "utf8");
  const start = doc.indexOf(HEADING);
  expect(start, `docs/architecture.md has no "${HEADING}" section`).toBeGreaterThanOrEqual(0);
  const rest = doc.slice(start + HEADING.length);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return section
    .split(/^- /m)
    .slice(1)
    .map((bullet) => bullet.replace(/\s+/g, " ").trim());
}

const filesNamed = (text: string) =>
  [...text.matchAll(/`((?:src|test|testkit|docs)\/[^`\s]+\.\w+)`/g)].map((m) => m[1]);

describe("docs/architecture.md: where each rule is decided", () => {
  it("names every rule a newcomer looks for", () => {
    const titles = ruleBullets().map((bullet) => /^\*\*([^*]+)\*\*/.exec(bullet)?.[1] ?? bullet);
    for (const rule of RULES)
      expect(
        titles.some((title) => title.startsWith(rule)),
        rule,
      ).toBe(true);
  });

  it("points each rule at files that exist, so the map cannot rot", () => {
    for (const bullet of ruleBullets()) {
      const files = filesNamed(bullet);
      expect(files.length, `no file named in: ${bullet}`).toBeGreaterThan(0);
      for (const file of files)
        expect(existsSync(path.join(repoRoot, file ?? "")), `${file} (in: ${bullet})`).toBe(true);
    }
  });
});
