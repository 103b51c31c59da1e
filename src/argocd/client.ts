import { readFile } from "node:fs/promises";
import path from "node:path";
import { type Dispatcher, fetch } from "undici";
import type { z } from "zod";
import type { ArgocdDeployerConfig } from "../config/gitops-schema.js";
import { firstIssueLine } from "../domain/issues/issue-lines.js";
import { AnswerBrokenOff, AnswerTooLarge, boundedText } from "../net/http/bounded-answer.js";
import { connectionFailureOf } from "../net/http/connection-failure.js";
import { redirectOf } from "../net/http/redirect-answer.js";
import { proxySettingsFromEnv } from "../net/proxy/proxy-env.js";
import { dispatcherFor } from "../net/proxy/undici-dispatcher.js";
import { notJsonMessage } from "./not-json-answer.js";

/**
 * An answer larger than this is cut, not buffered: an Application with thousands of resources is a few MB, and a
 * server (or something in its place) that streams without end must not fill the worker's memory.
 */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** The fix when Argo CD (or what stands in front of it) was reached but cut the exchange short. */
const CUT_SHORT =
  "check the health of Argo CD's API server and of any proxy or load balancer in front of it that cuts connections short";

/** An answer of Argo CD that is not a success: its status and Argo CD's own message. */
export class ArgoCdError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ArgoCdError";
  }
}

/** Argo CD's REST API (the subset phasegate uses), with the bearer token read from its file on every request. */
export class ArgoCdClient {
  private dispatcher: Promise<Dispatcher> | undefined;

  constructor(
    private readonly config: ArgocdDeployerConfig,
    private readonly baseDir: string,
  ) {}

  async request<S extends z.ZodType>(
    method: "GET" | "PATCH" | "POST",
    suffix: string,
    schema: S,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<z.output<S>> {
    const { url, application, appNamespace, requestTimeoutSeconds } = this.config;
    const target = new URL(`/api/v1/applications/${encodeURIComponent(application)}${suffix}`, url);
    if (appNamespace) target.searchParams.set("appNamespace", appNamespace);
    const token = await this.token();
    const timeout = AbortSignal.timeout(requestTimeoutSeconds * 1000);
    const where = `${method} ${target.pathname}`;
    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      response = await fetch(target, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: await this.dispatcherOf(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        // A redirect is reported, not followed: another host's answer (a login page's, say) is not Argo CD's.
        redirect: "manual",
      });
    } catch (error) {
      if (timeout.aborted)
        throw new Error(`Argo CD at ${url} did not answer ${where} within ${requestTimeoutSeconds} s`);
      const failure = connectionFailureOf(error, where);
      throw new Error(
        failure.dropped
          ? `Argo CD at ${url} was reached, but ${failure.said}: ${CUT_SHORT}`
          : `Argo CD at ${url} did not answer ${where}: ${failure.said}`,
      );
    }
    const redirect = await redirectOf(response);
    if (redirect)
      throw new ArgoCdError(
        redirect.status,
        `Argo CD at ${url} redirected ${where} to ${redirect.location} (${redirect.status}): phasegate follows no redirect; set url to the address Argo CD's API answers at`,
      );
    let text: string;
    try {
      text = await boundedText(response, MAX_ANSWER_BYTES);
    } catch (error) {
      if (error instanceof AnswerTooLarge)
        throw new Error(
          `Argo CD at ${url} answered ${where} with more than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB: not an Application; is url Argo CD's API server?`,
        );
      // The headers came in time, the body did not (a server or proxy that dribbles it, or stops half-way).
      if (timeout.aborted)
        throw new Error(
          `Argo CD at ${url} did not finish its answer to ${where} within ${requestTimeoutSeconds} s`,
        );
      if (signal?.aborted) throw error;
      if (error instanceof AnswerBrokenOff)
        throw new Error(
          `Argo CD at ${url} broke off its answer to ${where} after ${error.received} bytes: ${CUT_SHORT}`,
        );
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ArgoCdError(response.status, notJsonMessage(url, where, response.status, text));
    }
    if (!response.ok) throw this.failure(response.status, json, where);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new Error(
        `Argo CD's answer to ${where} is not what phasegate reads: ${firstIssueLine(parsed.error.issues, "")}`,
      );
    }
    return parsed.data;
  }

  /** Closes the connections; again, or before any request: nothing to do. */
  async close(): Promise<void> {
    const dispatcher = await this.dispatcher?.catch(() => undefined);
    await dispatcher?.close();
  }

  private failure(status: number, json: unknown, where: string): ArgoCdError {
    const said = (json as { message?: unknown } | null)?.message;
    const message = typeof said === "string" ? said : `status ${status}`;
    const app = `Application "${this.config.application}"`;
    if (status === 404) return new ArgoCdError(status, `Argo CD has no ${app}: ${message}`);
    if (status === 401)
      return new ArgoCdError(
        status,
        `Argo CD refused the token in ${this.config.tokenFile} (${message}): issue a new one`,
      );
    if (status === 403)
      return new ArgoCdError(
        status,
        `Argo CD refused ${where} (${message}): the ${app} does not exist, or the token's account may not act on it`,
      );
    return new ArgoCdError(status, `Argo CD answered ${where} with ${status}: ${message}`);
  }

  private async token(): Promise<string> {
    const file = path.resolve(this.baseDir, this.config.tokenFile);
    try {
      return (await readFile(file, "utf8")).trim();
    } catch (error) {
      throw new Error(`cannot read the Argo CD token from ${file}: ${(error as NodeJS.ErrnoException).code}`);
    }
  }

  private dispatcherOf(): Promise<Dispatcher> {
    this.dispatcher ??= (async () => {
      const { caFile, insecureSkipTlsVerify, url } = this.config;
      const ca = caFile ? await readFile(path.resolve(this.baseDir, caFile), "utf8") : undefined;
      return dispatcherFor(new URL(url).origin, proxySettingsFromEnv(process.env), {
        tls: { ...(ca ? { ca } : {}), ...(insecureSkipTlsVerify ? { rejectUnauthorized: false } : {}) },
      });
    })();
    this.dispatcher.catch(() => {
      this.dispatcher = undefined;
    });
    return this.dispatcher;
  }
}
