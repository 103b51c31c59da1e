import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import { CliError, UsageError } from "./cli-error.js";

/** `phasegate run start|status --api URL --token-file F`: the pipeline API from CI, no Redis or services file. */
export interface ApiOptions {
  api: string;
  tokenFile?: string;
  service?: string;
  version?: string;
  run?: string;
  wait: boolean;
  until?: "deploy-ready";
  idempotencyKey?: string;
  json: boolean;
}

/** How often a waiting CLI asks the bot about its run (PHASEGATE_POLL_MS overrides, for tests). */
const POLL_MS = Number(process.env.PHASEGATE_POLL_MS) || 3000;
/** A bot that cannot be reached this many times in a row (a restart, a network blip) ends the wait. */
const UNREACHABLE_POLLS = 20;

const stepView = z.looseObject({
  index: z.number(),
  title: z.string(),
  status: z.string(),
  message: z.string().nullable(),
});
const runView = z.looseObject({
  id: z.string(),
  service: z.string(),
  version: z.string(),
  status: z.string(),
  outcome: z.string().nullable(),
  deploy: z.string().nullable(),
  gate: z.string().nullable(),
  steps: z.array(stepView),
});
type RunView = z.infer<typeof runView>;

const errorView = z.looseObject({ error: z.string(), message: z.string() });

/** 401/403, a bot that cannot be reached: exit 2, like a configuration problem (nothing was started). */
class ApiProblem extends CliError {}

async function tokenOf(file: string | undefined): Promise<string> {
  if (!file) throw new UsageError("--api needs --token-file F (a file holding the pipeline's token)");
  const token = (
    await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`cannot read the token file ${file}: ${error.code ?? error.message}`);
    })
  ).trim();
  if (!token) throw new CliError(`the token file ${file} is empty`);
  // What an Authorization header can carry: fetch refuses anything else, and the bot would then seem unreachable.
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new CliError(
      `the token file ${file} holds more than a token (spaces, line breaks or bytes that are not ASCII): it must hold the token alone, on one line`,
    );
  return token;
}

interface Answer {
  status: number;
  body: unknown;
}

async function call(url: string, init: RequestInit): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new ApiProblem(`cannot reach phasegate at ${url} (${cause}): check --api and that the bot is up`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: a proxy's page, say. Shown as it is.
  }
  return { status: response.status, body };
}

function refusal(answer: Answer): string {
  const said = errorView.safeParse(answer.body);
  return said.success
    ? `${said.data.message} (${answer.status} ${said.data.error})`
    : `${answer.status}: ${String(answer.body).slice(0, 300)}`;
}

/** The run in a successful answer; anything else (a proxy's page, another server at --api) is said, exit 2. */
function viewOf(answer: Answer, url: string): RunView {
  const view = runView.safeParse(answer.body);
  if (view.success) return view.data;
  const start = (typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body))
    .trim()
    .slice(0, 80);
  throw new ApiProblem(
    `${url} answered ${answer.status} with something other than a phasegate run (${start ? `starts with ${JSON.stringify(start)}` : "nothing"}): check that --api is the bot's URL`,
  );
}

function checkAuth(answer: Answer): void {
  if (answer.status === 401)
    throw new ApiProblem(
      `phasegate refused the token (401): the token file must hold a token whose SHA-256 is listed in the service's pipeline.tokens. ${refusal(answer)}`,
    );
  if (answer.status === 403)
    throw new ApiProblem(`phasegate refused the token for this service (403): ${refusal(answer)}`);
}

/** Start (retried with the same Idempotency-Key when the bot could not answer), or read, a run. */
async function first(options: ApiOptions, token: string): Promise<RunView> {
  const base = options.api.replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  if (options.run) {
    const url = `${base}/api/v1/runs/${encodeURIComponent(options.run)}`;
    const answer = await call(url, { headers });
    checkAuth(answer);
    if (answer.status !== 200) throw new CliError(refusal(answer), 1);
    return viewOf(answer, url);
  }
  if (!options.service || !options.version)
    throw new UsageError("run start --api needs --service S and --version V");
  const key = options.idempotencyKey ?? randomUUID();
  const body = JSON.stringify({ service: options.service, version: options.version });
  for (let attempt = 1; ; attempt++) {
    const answer = await call(`${base}/api/v1/runs`, {
      method: "POST",
      headers: { ...headers, "idempotency-key": key },
      body,
    }).catch((error: unknown) => {
      if (attempt < 3 && error instanceof ApiProblem) return null;
      throw error;
    });
    if (
      answer === null ||
      (answer.status >= 500 && attempt < 3) ||
      (answer.status === 409 && (answer.body as { error?: string }).error === "in-progress")
    ) {
      await delay(1000 * attempt);
      continue;
    }
    checkAuth(answer);
    if (answer.status !== 201 && answer.status !== 200) throw new CliError(refusal(answer), 1);
    return viewOf(answer, `${base}/api/v1/runs`);
  }
}

const TERMINAL = ["succeeded", "failed", "cancelled", "rejected"];

/** The lines that say what changed since the last view. */
function changes(before: RunView | null, now: RunView): string[] {
  const lines: string[] = [];
  for (const step of now.steps) {
    const was = before?.steps[step.index];
    if (was?.status === step.status && was.message === step.message) continue;
    if (step.status === "pending" || (!was && step.status === "skipped")) continue;
    lines.push(
      `[${step.index + 1}/${now.steps.length}] ${step.title}: ${step.status}${step.message ? ` — ${step.message}` : ""}`,
    );
  }
  if (now.deploy === "ready" && before?.deploy !== "ready")
    lines.push(`deploy: ready — the pipeline may deploy ${now.version} now`);
  if (now.gate && before?.gate !== now.gate)
    lines.push(`waiting for approval at gate "${now.gate}": approvers decide in Slack`);
  if (TERMINAL.includes(now.status))
    lines.push(`${now.id} ${now.status}${now.outcome ? `: ${now.outcome}` : ""}`);
  return lines;
}

const done = (view: RunView, options: ApiOptions) =>
  TERMINAL.includes(view.status) ||
  (options.until === "deploy-ready" && view.deploy !== null && view.deploy !== "pending");

/** What `phasegate run start|status --api` does: exit 0 when the run succeeded (or got where --until says), 1 when not. */
export async function apiRun(options: ApiOptions): Promise<number> {
  const token = await tokenOf(options.tokenFile);
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  let view = await first(options, token);
  if (!options.run) progress(`started ${view.id}: ${view.service} ${view.version} (its card is in Slack)`);
  let shown: RunView | null = null;
  const base = options.api.replace(/\/+$/, "");
  for (let missed = 0; ; ) {
    for (const line of changes(shown, view)) progress(line);
    shown = view;
    if (!options.wait || done(view, options)) break;
    await delay(POLL_MS);
    const url = `${base}/api/v1/runs/${encodeURIComponent(view.id)}`;
    const answer = await call(url, { headers: { authorization: `Bearer ${token}` } }).catch(
      (error: unknown) => {
        if (error instanceof ApiProblem && ++missed < UNREACHABLE_POLLS) return null;
        throw error;
      },
    );
    if (answer === null) continue;
    checkAuth(answer);
    if (answer.status !== 200) throw new CliError(refusal(answer), 1);
    missed = 0;
    view = viewOf(answer, url);
  }
  process.stdout.write(options.json ? `${JSON.stringify(view, null, 2)}\n` : `${view.id} ${view.status}\n`);
  if (!options.wait) return 0;
  if (options.until === "deploy-ready" && view.deploy !== null && view.deploy !== "pending") return 0;
  return view.status === "succeeded" ? 0 : 1;
}
