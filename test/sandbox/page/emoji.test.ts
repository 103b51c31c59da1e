import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { replaceEmoji } from "../../../src/sandbox/page/emoji.js";
import { repoRoot } from "../../../testkit/run-cli.js";

/** Every `:shortcode:` written in the Slack adapter's sources (the messages phasegate sends). */
async function shortcodesInSlackSources(): Promise<string[]> {
  const dir = path.join(repoRoot, "src", "slack");
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith(".ts"));
  const texts = await Promise.all(files.map((f) => readFile(path.join(dir, f), "utf8")));
  return [...new Set(texts.flatMap((t) => t.match(/:[a-z_]+:(?= )/g) ?? []))].sort();
}

describe("the sandbox page's emoji", () => {
  it("draws every emoji phasegate's messages use, as Slack does", async () => {
    const shortcodes = await shortcodesInSlackSources();
    expect(shortcodes.length).toBeGreaterThan(10);
    const undrawn = shortcodes.filter((code) => replaceEmoji(code) === code);
    expect(undrawn).toEqual([]);
  });
});
