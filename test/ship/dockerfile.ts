import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../../testkit/run-cli.js";

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  image: string;
  name: string | null;
  instructions: Instruction[];
}

/** The Dockerfile's stages and their instructions (continuation lines joined, comments dropped). */
export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword = "", args = ""] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
    if (keyword.toUpperCase() === "FROM" && from)
      stages.push({ image: from[1] ?? "", name: from[2] ?? null, instructions: [] });
    else stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

export function readDockerfile(): Stage[] {
  return parseDockerfile(readFileSync(path.join(repoRoot, "Dockerfile"), "utf8"));
}

/** The stage the image runs: the last one. */
export function runtimeStage(): Stage {
  const stage = readDockerfile().at(-1);
  if (!stage) throw new Error("the Dockerfile has no FROM");
  return stage;
}

export function all(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** The JSON array of an exec-form instruction (ENTRYPOINT, CMD). */
export function execForm(args: string): string[] {
  return JSON.parse(args) as string[];
}

export interface Copy {
  from: string | null;
  sources: string[];
  destination: string;
}

export function copies(stage: Stage): Copy[] {
  return all(stage, "COPY").map((args) => {
    const words = args.split(/\s+/);
    const from = words.find((w) => w.startsWith("--from="))?.slice("--from=".length) ?? null;
    const paths = words.filter((w) => !w.startsWith("--"));
    return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? "" };
  });
}

/** A .dockerignore / COPY pattern as a regular expression on slash-separated paths. */
export function globRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/^\.?\//, "")
    .replace(/[.+^${}()|[\]]/g, "\\$&")
    .replace(/\*\*\//g, "(?:.*/)?")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${escaped}$`);
}
