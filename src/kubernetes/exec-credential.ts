import { type ExecFileException, execFile } from "node:child_process";
import { z } from "zod";
import { issueLines } from "../domain/issues/issue-lines.js";
import { KubernetesError } from "./kubernetes-error.js";

const API_VERSIONS = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"] as const;

/** The `exec` section of a kubeconfig user (client.authentication.k8s.io v1 and v1beta1). */
export const execConfigSchema = z
  .looseObject({
    apiVersion: z.enum(API_VERSIONS, {
      error: `apiVersion must be one of ${API_VERSIONS.join(", ")} (v1alpha1 is gone from Kubernetes)`,
    }),
    command: z.string().min(1, "command names the credential plugin to run"),
    args: z.array(z.string()).nullish(),
    env: z.array(z.object({ name: z.string().min(1), value: z.string() })).nullish(),
    installHint: z.string().nullish(),
    provideClusterInfo: z.boolean().nullish(),
    interactiveMode: z.enum(["Never", "IfAvailable", "Always"]).optional(),
  })
  .refine((exec) => exec.apiVersion !== API_VERSIONS[0] || exec.interactiveMode !== undefined, {
    message: "client.authentication.k8s.io/v1 requires interactiveMode (Never, IfAvailable or Always)",
    path: ["interactiveMode"],
  });

export type ExecConfig = z.infer<typeof execConfigSchema>;

/** What a plugin prints on stdout. */
const execCredentialSchema = z.looseObject({
  apiVersion: z.enum(API_VERSIONS),
  kind: z.literal("ExecCredential"),
  status: z.looseObject({
    token: z.string().min(1).optional(),
    clientCertificateData: z.string().optional(),
    clientKeyData: z.string().optional(),
    expirationTimestamp: z.iso.datetime({ offset: true }).optional(),
  }),
});

/** The cluster as the plugin may ask for it (provideClusterInfo): client-go's ExecCredential spec.cluster. */
export interface ExecClusterInfo {
  server: string;
  "certificate-authority-data"?: string;
  "insecure-skip-tls-verify"?: boolean;
  "tls-server-name"?: string;
  "proxy-url"?: string;
  config?: unknown;
}

export interface ExecSource {
  /** "user x of kubeconfig /path", for messages. */
  origin: string;
  cluster: ExecClusterInfo;
  /** Directory relative commands are resolved from (the kubeconfig's, as kubectl does). */
  cwd: string;
  now?: () => Date;
}

const PLUGIN_TIMEOUT_MS = 60_000;
const STDERR_SHOWN = 2000;

interface Cached {
  token: string;
  expiresAt: number;
}

/** Refuses what a bot cannot run: a plugin that must talk to a person. */
export function checkRunnable(exec: ExecConfig, origin: string): void {
  if (exec.interactiveMode === "Always")
    throw new KubernetesError(
      "configuration",
      `${origin} runs "${exec.command}" with interactiveMode: Always, which needs a person at a terminal and phasegate has none: ` +
        "use a non-interactive login for this plugin (e.g. a service principal, workload identity or a service-account token)",
    );
}

/**
 * Bearer tokens from a credential plugin: runs it on first use, keeps the token until its expirationTimestamp
 * (forever when it has none), and runs it again after `invalidate()` (the API answered 401).
 */
export class ExecTokenSource {
  private cached: Cached | undefined;
  private running: Promise<Cached> | undefined;
  private readonly now: () => Date;

  constructor(
    private readonly exec: ExecConfig,
    private readonly source: ExecSource,
  ) {
    checkRunnable(exec, source.origin);
    this.now = source.now ?? (() => new Date());
  }

  async token(): Promise<string> {
    if (this.cached && this.now().getTime() < this.cached.expiresAt) return this.cached.token;
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    this.cached = await this.running;
    return this.cached.token;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async run(): Promise<Cached> {
    const { exec, source } = this;
    const info = {
      apiVersion: exec.apiVersion,
      kind: "ExecCredential",
      spec: { interactive: false, ...(exec.provideClusterInfo ? { cluster: source.cluster } : {}) },
    };
    const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
    for (const { name, value } of exec.env ?? []) env[name] = value;
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        exec.command,
        exec.args ?? [],
        { env, cwd: source.cwd, timeout: PLUGIN_TIMEOUT_MS, maxBuffer: 1024 * 1024, encoding: "utf8" },
        (error, out, err) => (error ? reject(this.failure(error, err)) : resolve(out)),
      );
      child.stdin?.end();
    });
    return this.parse(stdout);
  }

  private failure(error: ExecFileException, stderr: string): KubernetesError {
    const { exec, source } = this;
    const what = `the credential plugin "${exec.command}" of ${source.origin}`;
    if (error.code === "ENOENT")
      return new KubernetesError(
        "configuration",
        `${what} is not installed or not on PATH${exec.installHint ? `: ${exec.installHint.trim()}` : ""}`,
      );
    const shown = stderr.trim().slice(-STDERR_SHOWN);
    const how = error.killed
      ? `gave no answer within ${PLUGIN_TIMEOUT_MS / 1000} s`
      : `failed (exit ${error.code})`;
    return new KubernetesError(
      "unauthorized",
      `${what} ${how}${shown ? `: ${shown}` : " without a message on stderr"}; run it by hand to see why (expired login, missing permission)`,
    );
  }

  private parse(stdout: string): Cached {
    const what = `the credential plugin "${this.exec.command}" of ${this.source.origin}`;
    let raw: unknown;
    try {
      raw = JSON.parse(stdout);
    } catch {
      throw new KubernetesError(
        "configuration",
        `${what} printed no ExecCredential JSON on stdout (got "${stdout.trim().slice(0, 200)}")`,
      );
    }
    const parsed = execCredentialSchema.safeParse(raw);
    if (!parsed.success)
      throw new KubernetesError(
        "configuration",
        `${what} printed an ExecCredential phasegate cannot use: ${issueLines(parsed.error.issues, "(top level)").join("; ")}`,
      );
    const { status } = parsed.data;
    if (!status.token)
      throw new KubernetesError(
        "configuration",
        `${what} answered with a client certificate instead of a token; phasegate takes tokens from plugins: put the certificate in the kubeconfig user (client-certificate-data) instead`,
      );
    return {
      token: status.token,
      expiresAt: status.expirationTimestamp
        ? Date.parse(status.expirationTimestamp)
        : Number.POSITIVE_INFINITY,
    };
  }
}
