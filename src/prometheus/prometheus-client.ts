import { readFile } from "node:fs/promises";
import { z } from "zod";
import { firstIssueLine } from "../domain/issues/issue-lines.js";
import type { Sample } from "../domain/run/analysis.js";
import { AnswerBrokenOff, AnswerTooLarge, boundedText } from "../net/http/bounded-answer.js";
import { connectionFailureOf } from "../net/http/connection-failure.js";
import { redirectOf } from "../net/http/redirect-answer.js";
import type { Logger } from "../ports/logger.js";
import type { MetricsAnswer, MetricsSource } from "../ports/metrics-source.js";
import { flagFields, loggedFlags, shownFlags } from "./answer-warnings.js";

/** An answer larger than this is refused unread: a query for a gate returns a few series, not a dump. */
export const MAX_ANSWER_BYTES = 1024 * 1024;
const MAX_TOKEN_BYTES = 16 * 1024;
const MAX_TEXT = 300;

export interface PrometheusSettings {
  url: string;
  /** Absolute path of a file holding the bearer token, read at each query (so a rotated token is picked up). */
  bearerTokenFile: string | null;
  timeoutMs: number;
  /** Where what Prometheus flagged about an answer is logged, more of it than the card shows. */
  logger: Logger;
}

/** `[<unix time>, "<value>"]`: Prometheus writes values as strings ("0.01", "NaN", "+Inf"). */
const sampleValue = z.tuple([z.number(), z.string()]);

const dataSchema = z.discriminatedUnion("resultType", [
  z.object({
    resultType: z.literal("vector"),
    result: z.array(
      z.object({
        metric: z.record(z.string(), z.string()),
        value: sampleValue.optional(),
        histogram: z.unknown().optional(),
      }),
    ),
  }),
  z.object({ resultType: z.literal("scalar"), result: sampleValue }),
  z.object({ resultType: z.literal("matrix"), result: z.unknown() }),
  z.object({ resultType: z.literal("string"), result: z.unknown() }),
]);

/** The API's envelope (https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview). */
const answerSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("success"), data: dataSchema, ...flagFields }),
  z.object({ status: z.literal("error"), errorType: z.string().optional(), error: z.string().optional() }),
]);

const cut = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

/** `{instance="…",version="v3"}`, without the metric's name; null for none (an aggregate such as sum(…)). */
function seriesOf(metric: Record<string, string>): string | null {
  const labels = Object.entries(metric)
    .filter(([name]) => name !== "__name__")
    .map(([name, value]) => `${name}="${value}"`);
  return labels.length === 0 ? null : cut(`{${labels.join(",")}}`);
}

function samplesOf(data: z.infer<typeof dataSchema>): MetricsAnswer {
  switch (data.resultType) {
    case "scalar":
      return { ok: true, samples: [{ series: null, value: data.result[1] }] };
    case "vector": {
      const samples: Sample[] = [];
      for (const entry of data.result) {
        if (!entry.value)
          return {
            ok: false,
            reason: "the query returned a native histogram: ask for a number (histogram_quantile, …)",
          };
        samples.push({ series: seriesOf(entry.metric), value: entry.value[1] });
      }
      return { ok: true, samples };
    }
    case "matrix":
      return {
        ok: false,
        reason: "the query returned a range vector: wrap it in a function such as rate(…[5m])",
      };
    case "string":
      return { ok: false, reason: "the query returned a string, not a number" };
  }
}

/**
 * What to do about an answer that is not Prometheus's: a wrong URL is checked, but a server error or a rate limit
 * (of Prometheus or a proxy before it) is not the URL's fault, and passes.
 */
function hintFor(status: number): string {
  if (status === 429) return "too many requests: asked again at the next evaluation";
  if (status >= 500) return "a server error, not the query's: asked again at the next evaluation";
  return "check prometheus.url";
}

/** What the body says, or why it says nothing usable; `flagged`: what Prometheus flagged about it, for the log. */
function readAnswer(status: number, body: string): { answer: MetricsAnswer; flagged: string[] } {
  const said = (answer: MetricsAnswer) => ({ answer, flagged: [] });
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    const start = cut(body.trim().replace(/\s+/g, " ").slice(0, 80));
    return said({
      ok: false,
      reason: `Prometheus answered HTTP ${status} with something that is not JSON (${start || "an empty body"}): ${hintFor(status)}`,
    });
  }
  const parsed = answerSchema.safeParse(raw);
  if (!parsed.success) {
    const problem = firstIssueLine(parsed.error.issues, "the answer");
    return said({
      ok: false,
      reason: cut(
        `Prometheus answered HTTP ${status} with JSON that is not a query answer (${problem}): ${hintFor(status)}`,
      ),
    });
  }
  const answer = parsed.data;
  if (answer.status === "error")
    return said({
      ok: false,
      reason: cut(
        `Prometheus refused the query (${answer.errorType ?? `HTTP ${status}`}): ${answer.error ?? "no reason given"}`,
      ),
    });
  if (status < 200 || status > 299) return said({ ok: false, reason: `Prometheus answered HTTP ${status}` });
  const read = samplesOf(answer.data);
  const warnings = shownFlags(answer);
  return {
    answer: read.ok && warnings.length > 0 ? { ...read, warnings } : read,
    flagged: loggedFlags(answer),
  };
}

/** Prometheus's HTTP API: one instant query per call, POSTed as a form (long expressions fit). */
export class PrometheusClient implements MetricsSource {
  constructor(private readonly settings: PrometheusSettings) {}

  private endpoint(): URL {
    const base = this.settings.url.endsWith("/") ? this.settings.url : `${this.settings.url}/`;
    return new URL("api/v1/query", base);
  }

  private async headers(): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    const file = this.settings.bearerTokenFile;
    if (!file) return headers;
    const token = (await readFile(file)).subarray(0, MAX_TOKEN_BYTES).toString("utf8").trim();
    if (!token) throw new Error(`the bearer token file ${file} is empty`);
    return { ...headers, authorization: `Bearer ${token}` };
  }

  async query(expression: string, signal?: AbortSignal): Promise<MetricsAnswer> {
    const where = this.settings.url;
    let headers: Record<string, string>;
    try {
      headers = await this.headers();
    } catch (error) {
      return { ok: false, reason: cut(`could not read the bearer token: ${(error as Error).message}`) };
    }
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    try {
      const response = await fetch(this.endpoint(), {
        method: "POST",
        headers,
        body: new URLSearchParams({ query: expression }).toString(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        // Not followed, said: the query (and its token) stays with the configured server.
        redirect: "manual",
      });
      const redirect = await redirectOf(response);
      if (redirect)
        return {
          ok: false,
          reason: cut(
            `Prometheus at ${where} redirected the query to ${redirect.location} (HTTP ${redirect.status}): set prometheus.url to where the API answers`,
          ),
        };
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        return {
          ok: false,
          reason: `Prometheus at ${where} answered HTTP ${response.status}: check the bearer token`,
        };
      }
      const { answer, flagged } = readAnswer(response.status, await boundedText(response, MAX_ANSWER_BYTES));
      if (flagged.length > 0)
        this.settings.logger.warn(
          { prometheus: where, query: cut(expression), warnings: flagged },
          "Prometheus flagged its answer to a query",
        );
      return answer;
    } catch (error) {
      if (error instanceof AnswerTooLarge)
        return {
          ok: false,
          reason: `Prometheus's answer is larger than ${MAX_ANSWER_BYTES} bytes: make the query return fewer series (sum by …)`,
        };
      if (timeout.aborted)
        return {
          ok: false,
          reason: `Prometheus at ${where} did not answer within ${this.settings.timeoutMs / 1000} s`,
        };
      // Prometheus (or a proxy before it) was reached and cut the exchange short: not the URL's fault.
      const cutShort = `check Prometheus's health and any proxy or load balancer in front of it that cuts connections; asked again at the next evaluation`;
      if (error instanceof AnswerBrokenOff)
        return {
          ok: false,
          reason: `Prometheus at ${where} broke off its answer to the query after ${error.received} bytes: ${cutShort}`,
        };
      const failure = connectionFailureOf(error, "the query");
      return {
        ok: false,
        reason: failure.dropped
          ? `Prometheus at ${where} was reached, but ${failure.said}: ${cutShort}`
          : cut(`Prometheus at ${where} could not be reached: ${failure.said}`),
      };
    }
  }
}
