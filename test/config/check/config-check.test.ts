import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCheck } from "../../../src/cli/config-check.js";
import { checkServicesFile } from "../../../src/config/check/check-services-file.js";
import { repoRoot, runCli } from "../../../testkit/run-cli.js";

const EXAMPLE = path.join(repoRoot, "examples", "services.example.yaml");

interface Mistake {
  name: string;
  /** Turns the example file into the faulty one. */
  edit: (text: string) => string;
  path: string;
  message: RegExp;
  fix: RegExp | null;
  /** Text whose first line in the faulty file (after `after`, when given) is where the problem is reported. */
  at: string | null;
  after?: string;
}

const MISTAKES: Mistake[] = [
  {
    name: "approver written as an e-mail address",
    edit: (t) => t.replace("users: [U0DDDDDDD, U0EEEEEEE]", "users: [U0DDDDDDD, dee@example.com]"),
    path: "services.billing.access.approvers.users.1",
    message: /^"dee@example\.com" is an e-mail address, not a Slack user id: .*"Copy member ID"/,
    fix: null,
    at: "users: [U0DDDDDDD, dee@example.com]",
  },
  {
    name: "user group written as its handle",
    edit: (t) => t.replace("usergroups: [S0DBAS0001]", "usergroups: ['@dbas']"),
    path: "services.shop.access.approvers.usergroups.0",
    message: /^"@dbas" is a user group's handle, not its id: the id \(S…\)/,
    fix: null,
    at: "usergroups: ['@dbas']",
  },
  {
    name: "empty file",
    edit: () => "",
    path: "",
    message: /^the file holds nothing \(null\), not a mapping$/,
    fix: /^start it with "services:"/,
    at: null,
  },
  {
    name: "list instead of a mapping",
    edit: (t) => t.replace("services:\n", "- services:\n"),
    path: "",
    message: /^the file holds a list, not a mapping$/,
    fix: /^start it with "services:"/,
    at: "- services:",
  },
  {
    name: "misspelt key",
    edit: (t) => t.replace("fourEyes: true", "fourEye: true"),
    path: "services.shop.access.fourEye",
    message: /^unknown key "fourEye"$/,
    fix: /^did you mean "fourEyes"\?$/,
    at: "fourEye: true",
  },
  {
    name: "unknown key, listing the keys of the variant that kind selects",
    edit: (t) => t.replace("      cwd: ../billing\n", "      cwd: ../billing\n      colour: blue\n"),
    path: "services.billing.deployer.colour",
    message: /^unknown key "colour"$/,
    fix: /^remove it; the keys allowed here are kind, command, cwd, env, timeoutSeconds, haltCommand$/,
    at: "colour: blue",
  },
  {
    name: "wrong type",
    edit: (t) => t.replace("fourEyes: true", "fourEyes: maybe"),
    path: "services.shop.access.fourEyes",
    message: /^expected a boolean, found the text "maybe"$/,
    fix: /^write true or false/,
    at: "fourEyes: maybe",
  },
  {
    name: "missing required key",
    edit: (t) => t.replace("      channel: C0123456789\n", ""),
    path: "services.shop.slack.channel",
    message: /^"channel" is missing$/,
    fix: /^add channel: \(a string\) under slack;/,
    at: "    slack:",
  },
  {
    name: "missing required section",
    edit: (t) => t.replace(/ {4}access:\n {6}approvers:\n {8}users: \[U0DDDDDDD, U0EEEEEEE\]\n/, ""),
    path: "services.billing.access",
    message: /^"access" is missing$/,
    fix: /^add access: \(a mapping\) under billing;/,
    at: "  billing:",
  },
  {
    name: "unknown kind",
    edit: (t) => t.replace("kind: http", "kind: grpc"),
    path: "services.billing.rollout.kind",
    message: /^the text "grpc" is not a known kind$/,
    fix: /^use one of: "command", "http", "kubernetes"$/,
    at: "kind: grpc",
  },
  {
    name: "misspelt kind",
    edit: (t) => t.replace("kind: http", "kind: htp"),
    path: "services.billing.rollout.kind",
    message: /^the text "htp" is not a known kind$/,
    fix: /^did you mean "http"\? \(use one of: "command", "http", "kubernetes"\)$/,
    at: "kind: htp",
  },
  {
    name: "duration with a unit",
    edit: (t) => t.replace("deadlineSeconds: 1800", "deadlineSeconds: 30m"),
    path: "services.shop.rollout.deadlineSeconds",
    message: /^expected a number, found the text "30m"$/,
    fix: /whole number of seconds above 0, e.g. 1800/,
    at: "deadlineSeconds: 30m",
  },
  {
    name: "zero duration",
    edit: (t) => t.replace("approvalSeconds: 14400", "approvalSeconds: 0"),
    path: "services.shop.timeouts.approvalSeconds",
    message: /^a duration is a whole number of seconds above 0/,
    fix: null,
    at: "approvalSeconds: 0",
  },
  {
    name: "channel name instead of its id",
    edit: (t) => t.replace("channel: C0BILLING01", 'channel: "#billing"'),
    path: "services.billing.slack.channel",
    message: /^use the channel id \(e\.g\. C0123456789/,
    fix: null,
    at: 'channel: "#billing"',
  },
  {
    name: "channel name in a list",
    edit: (t) => t.replace("allowedChannels: [C0987654321]", "allowedChannels: [C0987654321, deploys]"),
    path: "services.shop.slack.allowedChannels.1",
    message: /^use the channel id/,
    fix: null,
    at: "allowedChannels: [C0987654321, deploys]",
  },
  {
    name: "bad service name",
    edit: (t) => t.replace("  billing:", "  Billing:"),
    path: "services.Billing",
    message: /^"Billing" is not a valid name: service names are lower-case/,
    fix: /^rename it$/,
    at: "  Billing:",
  },
  {
    name: "service named all",
    edit: (t) => t.replace("  billing:", "  all:"),
    path: "services.all",
    message: /^"all" is not a valid name: "all" names every service in \/migrate freeze and unfreeze$/,
    fix: /^rename it$/,
    at: "  all:",
  },
  {
    name: "no approver",
    edit: (t) => t.replace("users: [U0DDDDDDD, U0EEEEEEE]", "users: []"),
    path: "services.billing.access.approvers",
    message: /^name at least one approver/,
    fix: null,
    at: "approvers:",
    after: "  billing:",
  },
  {
    name: "more approvals than listed approvers",
    edit: (t) =>
      t.replace("users: [U0DDDDDDD, U0EEEEEEE]\n", "users: [U0DDDDDDD, U0EEEEEEE]\n      approvals: 3\n"),
    path: "services.billing.access.approvals",
    message: /^approvals is 3 but only 2 approver\(s\) are listed, and under four-eyes/,
    fix: null,
    at: "approvals: 3",
  },
  {
    name: "more approvals than groups",
    edit: (t) =>
      t.replace(
        "      fourEyes: true\n",
        "      fourEyes: true\n      approvals: 2\n      fromGroups: [S0DBAS0001]\n",
      ),
    path: "services.shop.access.approvals",
    message: /^approvals is 2 but fromGroups names 1 group\(s\), one approval each/,
    fix: null,
    at: "approvals: 2",
  },
  {
    name: "group that is no approver",
    edit: (t) =>
      t.replace(
        "      fourEyes: true\n",
        "      fourEyes: true\n      gates:\n        contract: { fromGroups: [S0NOBODY01] }\n",
      ),
    path: "services.shop.access.gates.contract.fromGroups.0",
    message: /^S0NOBODY01 is in fromGroups but not in approvers.usergroups/,
    fix: null,
    at: "contract: { fromGroups",
  },
  {
    name: "window in an unknown time zone",
    edit: (t) => t.replace("timeZone: Europe/Paris", "timeZone: Europe/Parsi"),
    path: "services.shop.windows.0.timeZone",
    message: /^unknown time zone "Europe\/Parsi": use an IANA name like Europe\/Paris/,
    fix: null,
    at: "timeZone: Europe/Parsi",
  },
  {
    name: "window time that is no time of day",
    edit: (t) => t.replace('end: "17:00"', 'end: "5pm"'),
    path: "services.shop.windows.0.end",
    message: /^a time of day is "HH:MM" or "HH:MM:SS", 24-hour/,
    fix: null,
    at: 'end: "5pm"',
  },
  {
    name: "invalid YAML",
    edit: (t) => t.replace("deployments: [shop-web, shop-worker]\n", "deployments: [shop-web, shop-worker\n"),
    path: "",
    message: /^not valid YAML: /,
    fix: /indentation, colons, brackets and quotes/,
    at: "      container: app",
    after: "deployments: [shop-web, shop-worker\n",
  },
  {
    name: "tab indentation",
    edit: (t) => t.replace("      fourEyes: true", "\tfourEyes: true"),
    path: "",
    message: /^not valid YAML: Tabs are not allowed/,
    fix: /^indent with spaces, not tabs$/,
    at: "\tfourEyes: true",
  },
  {
    name: "duplicate key",
    edit: (t) => t.replace("    timeouts:\n", "    timeouts: {}\n    timeouts:\n"),
    path: "",
    message: /^not valid YAML: Map keys must be unique/,
    fix: /^keep one of the two keys/,
    at: "    timeouts:\n",
    after: "timeouts: {}",
  },
];

function mistake(name: string): Mistake {
  const found = MISTAKES.find((m) => m.name === name);
  if (!found) throw new Error(`no mistake named ${name}`);
  return found;
}

function lineOf(text: string, fragment: string, after = 0): number {
  const offset = text.indexOf(fragment, after);
  if (offset < 0) throw new Error(`"${fragment}" is not in the faulty file`);
  return text.slice(0, offset).split("\n").length;
}

describe("phasegate config check", () => {
  let dir: string;
  let example: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "phasegate-config-check-"));
    example = await readFile(EXAMPLE, "utf8");
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("accepts the documented example (whose projects and scripts are not on this machine)", async () => {
    const result = await checkServicesFile(EXAMPLE, { files: false });
    expect(result).toEqual({
      ok: true,
      services: ["shop", "billing", "reports", "catalog", "search", "storefront"],
    });
  });

  it.each(MISTAKES)("reports a $name with its place and the fix", async (mistake) => {
    const faulty = mistake.edit(example);
    expect(faulty).not.toBe(example);
    const file = path.join(dir, `${mistake.name.replaceAll(" ", "-")}.yaml`);
    await writeFile(file, faulty);

    const result = await checkServicesFile(file, { files: false });
    if (result.ok) throw new Error("the faulty file was accepted");
    expect(result.problems).toHaveLength(1);
    const [problem] = result.problems;
    expect(problem?.path.map(String).join(".")).toBe(mistake.path);
    expect(problem?.message).toMatch(mistake.message);
    if (mistake.fix) expect(problem?.fix).toMatch(mistake.fix);
    else expect(problem?.fix).toBeNull();
    const after = mistake.after ? faulty.indexOf(mistake.after) : 0;
    if (mistake.at === null) expect(problem?.location).toBeNull();
    else expect(problem?.location?.line).toBe(lineOf(faulty, mistake.at, after));
  });

  it("reports a file that cannot be read", async () => {
    const result = await checkServicesFile(path.join(dir, "nope.yaml"));
    expect(result.ok).toBe(false);
    expect(formatCheck("nope.yaml", result)).toMatch(
      /^nope\.yaml: cannot read the file: ENOENT.*\n {2}fix: check the path.*\nnope\.yaml: 1 problem\n$/,
    );
  });

  it("reports every problem of a file, each with file:line:column", async () => {
    const faulty = mistake("misspelt key").edit(mistake("unknown kind").edit(example));
    const file = path.join(dir, "two-mistakes.yaml");
    await writeFile(file, faulty);
    const result = await checkServicesFile(file, { files: false });
    const text = formatCheck("services.yaml", result);
    expect(text).toContain(
      `services.yaml:${lineOf(faulty, "fourEye:")}:7: services.shop.access.fourEye: unknown key "fourEye"\n  fix: did you mean "fourEyes"?\n`,
    );
    expect(text).toContain(`services.yaml:${lineOf(faulty, "kind: grpc")}:7: services.billing.rollout.kind:`);
    expect(text).toMatch(/services\.yaml: 2 problems\n$/);
  });

  it("exits 0 for a valid file, 1 with problems, 2 for a usage error", async () => {
    const ok = await runCli(["config", "check", "--skip-files", EXAMPLE]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/ok, 6 services \(shop, billing, reports, catalog, search, storefront\)\n$/);

    const faultyFile = path.join(dir, "faulty.yaml");
    await writeFile(faultyFile, example.replace("kind: http", "kind: grpc"));
    const faulty = await runCli(["config", "check", "--skip-files", faultyFile]);
    expect(faulty.code).toBe(1);
    expect(faulty.stdout).toContain('use one of: "command", "http", "kubernetes"');

    const usage = await runCli(["config", "check"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("give exactly one services file");
    expect(usage.stderr).toContain("phasegate config check --help");
  });
});

describe("phasegate config check, on the machine that runs the services", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "phasegate-config-files-"));
    await mkdir(path.join(dir, "billing", "scripts"), { recursive: true });
    await writeFile(path.join(dir, "billing", "manage.py"), "");
    await writeFile(path.join(dir, "billing", "scripts", "deploy.sh"), "#!/bin/sh\n", { mode: 0o755 });
    await writeFile(path.join(dir, "billing", "scripts", "status.sh"), "#!/bin/sh\n", { mode: 0o644 });
    await mkdir(path.join(dir, "releases"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const servicesFile = (project: string, deploy: string, rollout: string) => `services:
  billing:
    project:
      path: ${project}
    deployer:
      kind: command
      command: ["${deploy}", "{version}"]
      cwd: billing
    rollout:
      kind: command
      command: ["${rollout}", "{version}"]
      cwd: billing
    slack:
      channel: C0BILLING01
    access:
      approvers:
        users: [U0DDDDDDD]
`;

  async function check(text: string) {
    const file = path.join(dir, `services-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, text);
    const result = await checkServicesFile(file);
    return { file, result, text: formatCheck("services.yaml", result) };
  }

  it("accepts a file whose project and commands are all here", async () => {
    const { result } = await check(servicesFile("billing", "./scripts/deploy.sh", "true"));
    expect(result).toEqual({ ok: true, services: ["billing"] });
  });

  it("reports a missing project directory, a script that is not executable and a program not on PATH", async () => {
    const { result, text } = await check(
      servicesFile("billing-app", "./scripts/status.sh", "no-such-program-phasegate"),
    );
    expect(result.ok).toBe(false);
    expect(text).toContain(
      `services.yaml:4:7: services.billing.project.path: the project directory ${path.join(dir, "billing-app")} does not exist`,
    );
    expect(text).toContain(
      `services.billing.deployer.command: ${path.join(dir, "billing", "scripts", "status.sh")} is missing or not executable\n  fix: create it, or make it executable (chmod +x`,
    );
    expect(text).toContain(`services.billing.rollout.command: "no-such-program-phasegate" is not on PATH`);
    expect(text).toMatch(/services\.yaml: 3 problems\n$/);
  });

  it("checks project.python where Django runs: a relative one from project.path, a bare one on PATH", async () => {
    const withPython = (python: string) =>
      servicesFile("billing", "./scripts/deploy.sh", "true").replace(
        "      path: billing\n",
        `      path: billing\n      python: [${python}, -X, utf8]\n`,
      );
    const missing = await check(withPython("./.venv/bin/python"));
    expect(missing.text).toContain(
      `services.yaml:5:7: services.billing.project.python: ${path.join(dir, "billing", ".venv", "bin", "python")} is missing or not executable\n  fix: create it, or make it executable (chmod +x ${path.join(dir, "billing", ".venv", "bin", "python")}); a relative python starts from project.path, where it runs`,
    );
    const absent = await check(withPython("no-such-python-phasegate"));
    expect(absent.text).toContain(
      `services.billing.project.python: "no-such-python-phasegate" is not on PATH\n  fix: install it, or give its path (./.venv/bin/python from project.path, or an absolute path)`,
    );
    await mkdir(path.join(dir, "billing", ".venv", "bin"), { recursive: true });
    await writeFile(path.join(dir, "billing", ".venv", "bin", "python"), "#!/bin/sh\n", { mode: 0o755 });
    expect((await check(withPython(".venv/bin/python"))).result).toEqual({ ok: true, services: ["billing"] });
    expect((await check(withPython(path.join(dir, "billing", ".venv", "bin", "python")))).result.ok).toBe(
      true,
    );
    // Under a per-release directory only the run knows where it starts from.
    expect(
      (await check(withPython("./.venv/bin/python").replace("path: billing", "path: releases/{version}")))
        .result.ok,
    ).toBe(true);
  });

  it("reports a project directory without manage.py", async () => {
    const { text } = await check(servicesFile("billing/scripts", "./scripts/deploy.sh", "true"));
    expect(text).toContain(
      `services.billing.project.path: ${path.join(dir, "billing", "scripts")} holds no manage.py`,
    );
  });

  it("expands {version} for an example when the releases' directory is missing, and accepts it when present", async () => {
    const missing = await check(servicesFile("checkouts/{version}", "./scripts/deploy.sh", "true"));
    expect(missing.text).toContain(
      `services.billing.project.path: ${path.join(dir, "checkouts")} does not exist, so no release can be checked out under it (release v42 would be read from ${path.join(dir, "checkouts", "v42")})`,
    );
    const present = await check(servicesFile("releases/{version}", "./scripts/deploy.sh", "true"));
    expect(present.result.ok).toBe(true);
  });

  it("skips these checks with --skip-files, for a file checked away from its machine", async () => {
    const { file } = await check(servicesFile("billing-app", "./scripts/status.sh", "true"));
    expect(await runCli(["config", "check", file])).toMatchObject({ code: 1 });
    expect(await runCli(["config", "check", "--skip-files", file])).toMatchObject({ code: 0 });
  });

  it("reports the mistakes inside an entry whose service name is refused too", async () => {
    const text = servicesFile("billing", "./scripts/deploy.sh", "true")
      .replace("  billing:", "  Billing:")
      .replace("channel: C0BILLING01", "channel: billing");
    const { result } = await check(text);
    if (result.ok) throw new Error("accepted");
    expect(result.problems.map((p) => [p.path.join("."), p.message])).toEqual([
      [
        "services.Billing",
        expect.stringContaining("service names are lower-case letters, digits and dashes"),
      ],
      ["services.Billing.slack.channel", expect.stringContaining("use the channel id")],
    ]);
  });
});
