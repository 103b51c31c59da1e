import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands.js";
import { repoRoot } from "../../testkit/run-cli.js";
import { all, copies, execForm, globRegExp, readDockerfile, type Stage } from "./dockerfile.js";

const stages = readDockerfile();
const runtime = stages.at(-1) as Stage;
const build = stages.find((stage) => stage.name === "build");
const packageJson = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

/** Packages the compiled code loads: value imports, re-exports and dynamic imports of src/ and workers/. */
function packagesImported(): Set<string> {
  const names = new Set<string>();
  for (const dir of tsconfig.include) {
    const root = path.join(repoRoot, dir);
    for (const file of readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".ts"),
    )) {
      const text = readFileSync(path.join(root, file), "utf8");
      const specifiers = [
        ...text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gm),
        ...text.matchAll(/import\("([^"]+)"\)/g),
      ].map((match) => match[1] ?? "");
      for (const specifier of specifiers.filter((s) => !s.startsWith(".") && !s.startsWith("node:")))
        names.add(
          specifier
            .split("/")
            .slice(0, specifier.startsWith("@") ? 2 : 1)
            .join("/"),
        );
    }
  }
  return names;
}
const tsconfig = JSON.parse(readFileSync(path.join(repoRoot, "tsconfig.build.json"), "utf8")) as {
  include: string[];
  compilerOptions: { outDir: string };
};
const ignored = readFileSync(path.join(repoRoot, ".dockerignore"), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"))
  .map(globRegExp);

/** Repository files a COPY source names (a directory, a file, or a pattern such as src/django/*.py). */
function filesOf(source: string): string[] {
  const dir = path.dirname(source);
  const matcher = globRegExp(source);
  return readdirSync(path.join(repoRoot, dir))
    .map((name) => (dir === "." ? name : `${dir}/${name}`))
    .filter((file) => matcher.test(file));
}

/** Whether .dockerignore keeps a path out of the build context (the path or one of its directories). */
function isIgnored(file: string): boolean {
  const parts = file.split("/");
  return parts.some((_, i) => ignored.some((pattern) => pattern.test(parts.slice(0, i + 1).join("/"))));
}

function workdir(stage: Stage): string {
  return all(stage, "WORKDIR").at(-1) ?? "/";
}

describe("Dockerfile", () => {
  it("builds in one stage and runs from a slim Node 20 stage", () => {
    expect(build?.image).toMatch(/^node:20/);
    expect(runtime.image).toBe("node:20-bookworm-slim");
    expect(all(build as Stage, "RUN").some((run) => run.includes("npm run build"))).toBe(true);
  });

  it("carries git for deploys that commit to a Git repository, and checks it is there", () => {
    const install = all(runtime, "RUN").find((run) => run.includes("apt-get install"));
    expect(install).toMatch(/apt-get install -y --no-install-recommends [^&]*\bgit\b/);
    expect(install).toMatch(/command -v [^&]*\bgit\b/);
  });

  it("runs as an unprivileged user", () => {
    const user = all(runtime, "USER").at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it("installs no dev dependency and runs no install script in the runtime stage", () => {
    const installs = all(runtime, "RUN").filter((run) => /npm (ci|install|i)\b/.test(run));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toContain("--omit=dev");
    expect(installs[0]).toContain("--ignore-scripts");
  });

  it("runs on production dependencies alone: every package the code loads is a dependency", () => {
    const imported = packagesImported();
    expect(imported.size).toBeGreaterThan(3);
    for (const name of imported) expect(Object.keys(packageJson.dependencies), name).toContain(name);
  });

  it("copies only what exists in the repository and is in the build context", () => {
    const sources = stages.flatMap((stage) => copies(stage).filter((copy) => copy.from === null));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources.flatMap((copy) => copy.sources)) {
      const files = filesOf(source);
      expect(files, `COPY ${source} matches nothing in the repository`).not.toEqual([]);
      for (const file of files) expect(isIgnored(file), `.dockerignore drops ${file}`).toBe(false);
    }
  });

  it("gives the build stage every source tsc's build config includes", () => {
    const sources = copies(build as Stage).flatMap((copy) => copy.sources);
    for (const include of tsconfig.include) expect(sources).toContain(include);
  });

  it("copies from the build stage only what its build writes (tsc's outDir)", () => {
    const fromBuild = copies(runtime).filter((copy) => copy.from !== null);
    expect(fromBuild.map((copy) => copy.from)).toEqual(["build"]);
    expect(fromBuild[0]?.sources).toEqual([
      path.posix.join(workdir(build as Stage), tsconfig.compilerOptions.outDir),
    ]);
  });

  it("keeps the Django helper where the compiled code looks for it: src/django/ under the package root", () => {
    const root = workdir(runtime);
    const landed = (copy: { sources: string[]; destination: string }) =>
      copy.sources
        .flatMap(filesOf)
        .map((file) =>
          path.posix.resolve(
            root,
            copy.destination.endsWith("/")
              ? path.posix.join(copy.destination, path.posix.basename(file))
              : copy.destination,
          ),
        );
    const runtimeFiles = copies(runtime)
      .filter((copy) => copy.from === null)
      .flatMap(landed);
    expect(runtimeFiles).toContain(path.posix.join(root, "package.json"));
    expect(runtimeFiles).toContain(path.posix.join(root, "src/django/introspect.py"));
  });

  it("enters through bin/phasegate.js and runs `all` unless told otherwise", () => {
    const entrypoint = execForm(all(runtime, "ENTRYPOINT").at(-1) ?? "[]");
    expect(entrypoint.slice(0, 2)).toEqual(["/usr/bin/tini", "--"]);
    expect(entrypoint.at(-1)).toBe("phasegate");
    const link = all(runtime, "RUN").find((run) => run.includes("/usr/local/bin/phasegate"));
    expect(link).toBe(
      `ln -s ${path.posix.join(workdir(runtime), packageJson.bin.phasegate ?? "")} /usr/local/bin/phasegate`,
    );
    const bin = path.join(repoRoot, "bin", "phasegate.js");
    expect(statSync(bin).mode & 0o111, "bin/phasegate.js must be executable").not.toBe(0);
    const source = readFileSync(bin, "utf8");
    expect(source).toMatch(/^#!\/usr\/bin\/env node\n/);
    // bin/ imports the compiled CLI from dist/ (tsc's outDir, rootDir "."): its TypeScript source must exist.
    const imported = /import "\.\.\/dist\/(.+)\.js";/.exec(source)?.[1];
    expect(imported).toBe("src/cli/main");
    expect(statSync(path.join(repoRoot, `${imported}.ts`)).isFile()).toBe(true);
    expect(execForm(all(runtime, "CMD").at(-1) ?? "[]")).toEqual(["all"]);
  });

  it("has a command for every way the manifests run the image", () => {
    for (const command of ["bot", "worker", "all"]) expect(Object.keys(COMMANDS)).toContain(command);
  });

  it("checks its health on /healthz on the port it exposes", () => {
    const env = all(runtime, "ENV").join(" ");
    const port = /\bPORT=(\d+)/.exec(env)?.[1];
    expect(all(runtime, "EXPOSE")).toEqual([port]);
    expect(all(runtime, "HEALTHCHECK").at(-1)).toContain("/healthz");
  });
});
