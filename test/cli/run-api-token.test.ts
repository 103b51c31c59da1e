import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../testkit/run-cli.js";

describe("phasegate run --api with a token file that holds more than a token", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-token-file-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ["two lines", "pgt_token\nsecond line\n"],
    ["a space", "pgt token\n"],
    ["bytes that are not ASCII", "pgt_tök\n"],
  ])("%s: says what the file must hold, exit 2, before calling the bot", async (name, content) => {
    const file = path.join(dir, name.replaceAll(" ", "-"));
    await writeFile(file, content);
    // Port 1 answers nothing: a call would be told as "cannot reach phasegate".
    const run = await runCli([
      "run",
      "start",
      "--api",
      "http://127.0.0.1:1",
      "--token-file",
      file,
      "--service",
      "shop",
      "--version",
      "v1",
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `phasegate run: the token file ${file} holds more than a token (spaces, line breaks or bytes that are not ASCII): it must hold the token alone, on one line\n`,
    );
  });
});
