import { z } from "zod";
import { THRESHOLD_OPS, type Threshold } from "../domain/run/analysis.js";
import { durationSeconds } from "./polling-schema.js";

const THRESHOLD_TEXT = /^\s*(<=|>=|==|!=|<|>)\s*(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;
const THRESHOLD_HINT = 'a threshold is an operator and a number, like "< 0.01" or ">= 0.99"';

/** "< 0.01" as written in the file, read into its operator and value. */
const thresholdText = z
  .string()
  .regex(THRESHOLD_TEXT, THRESHOLD_HINT)
  .transform((text): Threshold => {
    const [, op = "<", value = "0"] = THRESHOLD_TEXT.exec(text) ?? [];
    return { op: op as Threshold["op"], value: Number(value) };
  });

const thresholdObject = z.strictObject({
  op: z.enum(THRESHOLD_OPS),
  value: z.number().refine(Number.isFinite, "the value is a finite number"),
});

export const analysisQuerySchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,39}$/, "a name is a word of at most 40 characters, like errorRate")
    .describe("Shown on the card and in the run's outcome: errorRate, p99"),
  query: z
    .string()
    .trim()
    .min(1, "give the PromQL expression")
    .max(4000, "at most 4000 characters")
    .describe(
      "PromQL expression evaluated as an instant query, `{version}` and `{service}` replaced by the run's; every series it returns must pass the threshold. No series (or NaN) is no data: the query does not pass, the soak waits",
    ),
  threshold: z
    .union([thresholdText, thresholdObject])
    .describe('What a passing value is: "< 0.01", ">= 0.99", or {op: "<", value: 0.01}'),
});

export const prometheusSchema = z
  .strictObject({
    url: z.url().describe("Base URL of the Prometheus server (its /api/v1/query is asked)"),
    bearerTokenFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        "File holding a bearer token sent with each query, read at each query (relative to the services file)",
      ),
    timeoutSeconds: durationSeconds.default(10).describe("Time limit of one query"),
  })
  .describe("The Prometheus server the queries are asked");

export const analysisSchema = z
  .strictObject({
    prometheus: prometheusSchema.optional(),
    queries: z.array(analysisQuerySchema).max(10, "at most 10 queries").default([]),
    minimumSoakSeconds: z
      .number()
      .int()
      .min(0)
      .describe(
        "How long every query must pass without a break (or, without queries, how long the new code runs) before the approval is offered",
      ),
    intervalSeconds: durationSeconds.default(15).describe("Time between two evaluations"),
    consecutiveFailures: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe("The run fails once a query fails its threshold in this many evaluations in a row"),
    timeoutSeconds: durationSeconds
      .default(1800)
      .describe(
        "The analysis fails the run when the soak has not passed this long after it began (Prometheus unreachable, no data)",
      ),
  })
  .superRefine((analysis, ctx) => {
    if (analysis.queries.length > 0 && !analysis.prometheus)
      ctx.addIssue({
        code: "custom",
        path: ["prometheus"],
        message: "queries need a prometheus: { url } to ask",
      });
    const names = analysis.queries.map((q) => q.name);
    const twice = names.find((name, i) => names.indexOf(name) !== i);
    if (twice) ctx.addIssue({ code: "custom", path: ["queries"], message: `two queries are named ${twice}` });
    if (analysis.timeoutSeconds <= analysis.minimumSoakSeconds)
      ctx.addIssue({
        code: "custom",
        path: ["timeoutSeconds"],
        message: "timeoutSeconds must be longer than minimumSoakSeconds, or the soak could never pass",
      });
  })
  .describe(
    "Analysis gate: after the rollout (and backfill), the approval of the contract is offered only once every query has passed for minimumSoakSeconds; a query failing its threshold fails the run",
  );

export type AnalysisConfig = z.infer<typeof analysisSchema>;
export type AnalysisQueryConfig = z.infer<typeof analysisQuerySchema>;
export type PrometheusConfig = z.infer<typeof prometheusSchema>;
