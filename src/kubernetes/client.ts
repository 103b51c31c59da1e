import { setTimeout as sleep } from "node:timers/promises";
import { type Dispatcher, fetch } from "undici";
import type { z } from "zod";
import { issueLines } from "../domain/issues/issue-lines.js";
import { AnswerBrokenOff, AnswerTooLarge, boundedText } from "../net/http/bounded-answer.js";
import { connectionFailureOf } from "../net/http/connection-failure.js";
import { type Redirect, redirectOf } from "../net/http/redirect-answer.js";
import { type ProxySettings, proxyFor, shownProxy } from "../net/proxy/proxy-env.js";
import { dispatcherVia } from "../net/proxy/undici-dispatcher.js";
import type { Logger } from "../ports/logger.js";
import { logger as rootLogger } from "../telemetry/pino-logger.js";
import { describeFailure } from "./api-failure.js";
import type { Connection } from "./connection-types.js";
import { KubernetesError } from "./kubernetes-error.js";
import type { KubernetesRequest } from "./request.js";
import { requestAttributes } from "./request-attributes.js";
import { untrustedCertificate } from "./tls-failure.js";

export interface ClientOptions {
  /** Time limit of one attempt. */
  timeoutMs: number;
  /** Attempts for a 5xx, 429, timeout or network error; other answers are final. */
  attempts: number;
  /** Delay before the second attempt; doubles for each further one, capped at 10 s. */
  retryDelayMs: number;
  /** HTTPS_PROXY and NO_PROXY of the environment. */
  proxy: ProxySettings;
}

const maxRetryDelayMs = 10_000;

/**
 * An answer larger than this is cut, not buffered: the largest phasegate reads, one workload's Pods or ReplicaSets
 * at 5-20 KB each, stays well under it with thousands of them.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * A small REST client for the few Kubernetes calls phasegate makes, on Node's own fetch (undici).
 *
 * Why not @kubernetes/client-node: phasegate makes six kinds of calls (get/patch a Deployment, list pods, create/get a
 * Job, read a pod log). The official client brings a large generated API surface and its own HTTP stack, and its
 * typed objects are not validated at runtime. Here every answer goes through a zod schema of exactly the fields we
 * read, retries and error messages are ours (a 403 names the RBAC rule to add), and the same code talks to a real
 * cluster and to the loopback simulator the tests use. Credentials cover what a bot needs: the in-cluster service
 * account, a kubeconfig with a token, a client certificate or an exec credential plugin, or an explicit URL with a token
 * file.
 */
export class KubernetesClient {
  private session: Promise<Session> | undefined;
  private readonly log: Logger;

  /** `connect` resolves the server and credentials on first use (and again after it failed). */
  constructor(
    private readonly connect: () => Promise<Connection>,
    private readonly options: ClientOptions,
    log: Logger = rootLogger,
  ) {
    this.log = log.child({ component: "kubernetes" });
  }

  /** Sends the request and validates the JSON answer with `schema`. */
  async json<S extends z.ZodType>(
    request: KubernetesRequest,
    schema: S,
    signal?: AbortSignal,
  ): Promise<z.output<S>> {
    const text = await this.send(request, "application/json", signal);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw this.invalidAnswer(request, "the answer is not JSON");
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const problems = issueLines(parsed.error.issues, "(top level)");
      throw this.invalidAnswer(request, problems.join("; "));
    }
    return parsed.data;
  }

  /** Sends the request and returns the plain-text answer (pod logs). */
  text(request: KubernetesRequest, signal?: AbortSignal): Promise<string> {
    return this.send(request, "text/plain, */*", signal);
  }

  async close(): Promise<void> {
    const session = await this.session?.catch(() => undefined);
    await session?.dispatcher.close();
  }

  private open(): Promise<Session> {
    if (!this.session) {
      this.session = this.connect().then((connection) => ({
        connection,
        dispatcher: dispatcherVia(this.proxyOf(connection), { tls: connection.tls }),
      }));
      this.session.catch(() => {
        this.session = undefined;
      });
    }
    return this.session;
  }

  /** The kubeconfig's proxy-url of the cluster, else HTTPS_PROXY unless NO_PROXY names the server. */
  private proxyOf(connection: Connection): string | null {
    return connection.proxyUrl ?? proxyFor(connection.server, this.options.proxy);
  }

  private async send(request: KubernetesRequest, accept: string, signal?: AbortSignal): Promise<string> {
    const { connection, dispatcher } = await this.open();
    const url = `${connection.server}${request.path}${request.query ? `?${new URLSearchParams(request.query)}` : ""}`;
    let lastProblem = "";
    /** Whether the last attempt was cut short (the connection closed or reset): the server was reached, the advice differs. */
    let cutShort = false;
    let renewed = false;
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      if (attempt > 1) {
        const delay = Math.min(maxRetryDelayMs, this.options.retryDelayMs * 2 ** (attempt - 2));
        this.log.warn(
          { method: request.method, path: request.path, attempt, delay, problem: lastProblem },
          "retrying",
        );
        await sleep(delay, undefined, { signal });
      }
      const attemptSignal = signal
        ? AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)])
        : AbortSignal.timeout(this.options.timeoutMs);
      let answered = false;
      try {
        const response = await fetch(url, {
          method: request.method,
          headers: await headers(connection, request, accept),
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: attemptSignal,
          dispatcher,
          // A redirect is reported, not followed: the request (a PATCH of the image) stays with the configured server.
          redirect: "manual",
        });
        const redirect = await redirectOf(response);
        if (redirect) throw this.redirected(connection, request, redirect);
        answered = true;
        const body = await boundedText(response, MAX_ANSWER_BYTES);
        if (response.ok) return body;
        // A plugin's token the API no longer takes (expired early, revoked): one more try with a fresh one.
        if (response.status === 401 && connection.renewToken && !renewed) {
          renewed = true;
          connection.renewToken();
          this.log.info(
            { path: request.path },
            "the API refused the token (401): asking the credential plugin again",
          );
          attempt--;
          continue;
        }
        if (response.status < 500 && response.status !== 429) {
          throw describeFailure(request, response.status, body);
        }
        lastProblem = `HTTP ${response.status}: ${body.slice(0, 200)}`;
        cutShort = false;
      } catch (error) {
        if (error instanceof KubernetesError) throw error;
        if (error instanceof AnswerTooLarge) throw this.tooLarge(connection, request);
        if (signal?.aborted) throw signal.reason;
        const tls = untrustedCertificate(error, connection.server, connection.source);
        if (tls) throw tls;
        ({ cutShort, problem: lastProblem } = problemOf(error, request, answered, this.options.timeoutMs));
      }
    }
    const { verb, resource } = requestAttributes(request.method, request.path);
    const via = this.proxyOf(connection);
    const setting = connection.proxyUrl ? "the kubeconfig's proxy-url" : "HTTPS_PROXY";
    const fix = connection.proxyUrl
      ? ", that the proxy lets phasegate through (and takes its credentials)"
      : ", that the proxy lets phasegate through (and takes its credentials), or name the server in NO_PROXY";
    const advice = cutShort
      ? "check the API server's health and whatever stands between it and phasegate (a proxy or load balancer " +
        "that cuts connections short)"
      : `check that the API server is reachable${via ? fix : ""}`;
    throw new KubernetesError(
      "unavailable",
      `the Kubernetes API at ${connection.server} (${connection.source}) failed to ${verb} ${resource} ` +
        `${this.options.attempts} times${via ? ` through the proxy ${shownProxy(via)} (${setting})` : ""} (last: ${lastProblem}); ` +
        `${advice}, then retry`,
    );
  }

  private redirected(
    connection: Connection,
    request: KubernetesRequest,
    { status, location }: Redirect,
  ): KubernetesError {
    return new KubernetesError(
      "http",
      `the Kubernetes API at ${connection.server} (${connection.source}) redirected ${request.method} ${request.path} ` +
        `to ${location} (${status}): phasegate follows no redirect; set ${serverSetting(connection)} ` +
        "to the API server's own address",
      status,
    );
  }

  /** A final error: the same request would get the same answer. */
  private tooLarge(connection: Connection, request: KubernetesRequest): KubernetesError {
    return new KubernetesError(
      "invalid-response",
      `the Kubernetes API at ${connection.server} (${connection.source}) answered ${request.method} ${request.path} ` +
        `with more than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB, more than any answer phasegate asks for: ` +
        `is ${connection.server} the API server? Check ${serverSetting(connection)}`,
    );
  }

  private invalidAnswer(request: KubernetesRequest, problem: string): KubernetesError {
    return new KubernetesError(
      "invalid-response",
      `unexpected answer from the Kubernetes API to ${request.method} ${request.path}: ${problem}`,
    );
  }
}

interface Session {
  connection: Connection;
  dispatcher: Dispatcher;
}

async function headers(
  connection: Connection,
  request: KubernetesRequest,
  accept: string,
): Promise<Record<string, string>> {
  const result: Record<string, string> = { Accept: accept, "User-Agent": "phasegate" };
  if (request.body !== undefined) result["Content-Type"] = request.contentType ?? "application/json";
  const token = await connection.token();
  if (token) result.Authorization = `Bearer ${token}`;
  return result;
}

/** Where the server's address comes from, for a message that says to correct it. */
function serverSetting(connection: Connection): string {
  if (connection.source.startsWith("kubeconfig")) return "the cluster's server in the kubeconfig";
  if (connection.source.startsWith("in-cluster"))
    return "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT";
  return "api.url";
}

/**
 * What went wrong with one attempt, for the retry's log line and the final error; `cutShort`: the connection was
 * closed or reset, before or during the answer.
 */
function problemOf(
  error: unknown,
  request: KubernetesRequest,
  answered: boolean,
  timeoutMs: number,
): { problem: string; cutShort: boolean } {
  const answer = `its answer to ${request.method} ${request.path}`;
  if (error instanceof AnswerBrokenOff) {
    const problem = `it closed the connection before ${answer} was complete, after ${error.received} bytes`;
    return { problem, cutShort: true };
  }
  // The headers came in time, the body did not (a server or proxy that dribbles it).
  if ((error as Error).name === "TimeoutError") {
    return {
      problem: `${answered ? `${answer} did not finish` : "no answer"} within ${timeoutMs} ms`,
      cutShort: false,
    };
  }
  const failure = connectionFailureOf(error, `${request.method} ${request.path}`);
  return { problem: failure.said, cutShort: failure.dropped };
}
