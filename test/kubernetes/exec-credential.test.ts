import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { adapters, release, seedShop } from "./setup.js";

/**
 * A credential plugin as EKS, GKE and AKS ship: counts its runs, records its arguments, environment and
 * KUBERNETES_EXEC_INFO, prints the token of the file "token" (with "expiry" as expirationTimestamp when present),
 * or fails with a message on stderr when the file "fail" exists.
 */
const PLUGIN_SH = `dir="$(dirname "$0")"
echo $(( $(cat "$dir/calls" 2>/dev/null || echo 0) + 1 )) > "$dir/calls"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$dir/exec-info"
echo "$* $PLUGIN_REGION" > "$dir/seen"
if [ -f "$dir/fail" ]; then echo "error: AccessDenied: phasegate may not assume role deployer" >&2; exit 1; fi
if [ -f "$dir/garbage" ]; then echo "please log in"; exit 0; fi
if [ -f "$dir/expiry" ]; then exp=",\\"expirationTimestamp\\":\\"$(cat "$dir/expiry")\\""; fi
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"%s}}' "$(cat "$dir/token")" "$exp"
`;

let sim: KubeSim;
let dir: string;
const file = (name: string) => path.join(dir, name);
const calls = async () => Number(await readFile(file("calls"), "utf8").catch(() => "0"));

async function kubeconfig(exec: Record<string, unknown> = {}): Promise<string> {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    "current-context": "cloud",
    clusters: [
      {
        name: "cloud",
        cluster: {
          server: sim.url,
          extensions: [{ name: "client.authentication.k8s.io/exec", extension: { audience: "phasegate" } }],
        },
      },
    ],
    contexts: [{ name: "cloud", context: { cluster: "cloud", user: "cloud-user" } }],
    users: [
      {
        name: "cloud-user",
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1",
            command: "sh",
            args: ["plugin.sh", "get-token", "--cluster", "shop"],
            env: [{ name: "PLUGIN_REGION", value: "eu-west-1" }],
            interactiveMode: "Never",
            provideClusterInfo: true,
            ...exec,
          },
        },
      },
    ],
  };
  await writeFile(file("kubeconfig"), stringify(config));
  return file("kubeconfig");
}

/** The rollout watcher (one GET of the Deployment per check) on a kubeconfig whose user runs the plugin. */
async function watcherWith(exec: Record<string, unknown> = {}) {
  const api = { kubeconfig: await kubeconfig(exec), retryDelayMs: 10, requestTimeoutSeconds: 5 };
  const { watcher } = adapters(sim, { deployments: ["web"], api });
  return () => watcher.check(release("v41"));
}

const statuses = () => sim.requests.map((r) => r.status);

beforeEach(async () => {
  sim = await startKubeSim();
  seedShop(sim);
  dir = await mkdtemp(path.join(tmpdir(), "exec-plugin-"));
  await writeFile(file("plugin.sh"), PLUGIN_SH);
  await writeFile(file("token"), sim.tokens.issue());
});

afterEach(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe("kubeconfig users with an exec credential plugin", () => {
  it("runs the plugin with its args and env, tells it the cluster, and keeps the token until it expires", async () => {
    await writeFile(file("expiry"), new Date(Date.now() + 1500).toISOString());
    const check = await watcherWith();
    expect((await check()).done).toBe(true);
    expect((await check()).done).toBe(true);
    expect(await calls()).toBe(1);
    expect(await readFile(file("seen"), "utf8")).toBe("get-token --cluster shop eu-west-1\n");
    expect(JSON.parse(await readFile(file("exec-info"), "utf8"))).toEqual({
      apiVersion: "client.authentication.k8s.io/v1",
      kind: "ExecCredential",
      spec: { interactive: false, cluster: { server: sim.url, config: { audience: "phasegate" } } },
    });

    await writeFile(file("token"), sim.tokens.issue());
    await writeFile(file("expiry"), new Date(Date.now() + 60_000).toISOString());
    await sleep(1600);
    expect((await check()).done).toBe(true);
    expect(await calls()).toBe(2);
    expect(statuses()).toEqual([200, 200, 200]);
  });

  it("runs the plugin again when the API refuses its token (401), and carries on", async () => {
    const first = await readFile(file("token"), "utf8");
    const check = await watcherWith();
    expect((await check()).done).toBe(true);
    sim.tokens.expire(first);
    await writeFile(file("token"), sim.tokens.issue());
    expect((await check()).done).toBe(true);
    expect(await calls()).toBe(2);
    expect(statuses()).toEqual([200, 401, 200]);
  });

  it("does not tell the cluster unless provideClusterInfo asks for it", async () => {
    const check = await watcherWith({
      provideClusterInfo: false,
      apiVersion: "client.authentication.k8s.io/v1beta1",
    });
    expect((await check()).done).toBe(true);
    expect(JSON.parse(await readFile(file("exec-info"), "utf8"))).toEqual({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      kind: "ExecCredential",
      spec: { interactive: false },
    });
  });

  it("shows the plugin's stderr when it fails", async () => {
    await writeFile(file("fail"), "");
    const check = await watcherWith();
    await expect(check()).rejects.toThrow(
      `the credential plugin "sh" of user "cloud-user" of ${file("kubeconfig")} failed (exit 1): ` +
        "error: AccessDenied: phasegate may not assume role deployer; run it by hand to see why",
    );
    expect(sim.requests).toEqual([]);
  });

  it("says what the plugin printed when it is no ExecCredential", async () => {
    await writeFile(file("garbage"), "");
    await expect((await watcherWith())()).rejects.toThrow(
      'printed no ExecCredential JSON on stdout (got "please log in")',
    );
  });

  it("names the install hint of a plugin that is not installed", async () => {
    const check = await watcherWith({
      command: "phasegate-test-no-such-plugin",
      installHint: "install it with: apt-get install phasegate-test-plugin",
    });
    await expect(check()).rejects.toThrow(
      "is not installed or not on PATH: install it with: apt-get install phasegate-test-plugin",
    );
  });

  it("refuses an interactive-only plugin, and a v1 exec section without interactiveMode", async () => {
    await expect((await watcherWith({ interactiveMode: "Always" }))()).rejects.toThrow(
      'runs "sh" with interactiveMode: Always, which needs a person at a terminal and phasegate has none',
    );
    await expect((await watcherWith({ interactiveMode: undefined }))()).rejects.toThrow(
      "users.0.user.exec.interactiveMode: client.authentication.k8s.io/v1 requires interactiveMode (Never, IfAvailable or Always)",
    );
    expect(await calls()).toBe(0);
  });
});
