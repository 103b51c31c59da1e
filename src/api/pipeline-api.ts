import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { LoadedServices } from "../config/load-services.js";
import { issueLines } from "../domain/issues/issue-lines.js";
import { pipelineRequester } from "../domain/run/pipeline-requester.js";
import { isTerminal, type Run } from "../domain/run/run.js";
import { BODY_TIMEOUT_MS, MAX_BODY_BYTES, readBounded } from "../net/http/bounded-body.js";
import { closeAfterBody } from "../net/http/close-after-body.js";
import { ACTION_FIELDS } from "../ports/action-table.js";
import type { Logger } from "../ports/logger.js";
import type { PipelineStore } from "../ports/pipeline-store.js";
import type { StartRefusalCode, UseCases } from "../ports/use-cases.js";
import { runView } from "./run-view.js";
import { bearerToken, type TokenHolder, tokenHolder } from "./tokens.js";

export interface PipelineApiDeps {
  services: LoadedServices;
  useCases: UseCases;
  pipeline: PipelineStore;
  logger: Logger;
  now?: () => Date;
  maxBodyBytes?: number;
  bodyTimeoutMs?: number;
}

/** A route as Bolt's receivers take them (`customRoutes`), path parameters in `params`. */
export interface ApiRoute {
  path: string;
  method: string;
  handler: (req: Request, res: ServerResponse) => void;
}

/** Path parameters, as Bolt's receivers set them (`/api/v1/runs/:id`). */
type Params = { params?: Record<string, string | string[]> };
type Request = IncomingMessage & Params;

/** A retried start with the same Idempotency-Key gets the first call's run for this long. */
const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

const startBody = z.strictObject({
  service: ACTION_FIELDS.service,
  version: ACTION_FIELDS.version,
  /** What the pipeline expects: "external" when it deploys itself (pipeline mode), "phasegate" when it does not. */
  deploy: z.enum(["external", "phasegate"]).optional(),
});
const deployedBody = z.strictObject({ version: ACTION_FIELDS.version.optional() });
const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, "an Idempotency-Key is 1 to 255 visible ASCII characters, e.g. a UUID");

const REFUSAL_STATUS: Record<StartRefusalCode, number> = {
  "unknown-service": 404,
  "not-allowed": 403,
  "active-run": 409,
  "start-in-progress": 409,
  frozen: 409,
  "plan-refused": 422,
  "introspection-failed": 502,
  busy: 503,
};

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(`${JSON.stringify(body)}\n`);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * The pipeline API on the bot's HTTP server: start a run, read it, report a deploy. A bearer token of the
 * service's `pipeline.tokens` is needed (401 without one, 403 to start a run of a service it is not listed for;
 * another service's run is a 404, as a run that does not exist); every refusal and every start are audited. Bodies
 * are bounded like Slack's endpoint and checked with zod.
 */
export function pipelineApiRoutes(deps: PipelineApiDeps): ApiRoute[] {
  const now = deps.now ?? (() => new Date());

  async function audit(
    req: IncomingMessage,
    status: number,
    holder: TokenHolder | null,
    service: string | null,
    detail: string,
  ) {
    const entry = {
      at: now().toISOString(),
      status,
      method: req.method ?? "",
      path: (req.url ?? "").split("?")[0] ?? "",
      token: holder?.name ?? null,
      service,
      remote: req.socket.remoteAddress ?? null,
      detail,
    };
    (status >= 400 ? deps.logger.warn : deps.logger.info).call(deps.logger, entry, "pipeline API");
    await deps.pipeline.audit(entry).catch((error: unknown) => {
      deps.logger.error({ err: error, entry }, "pipeline API audit not written: Redis did not take it");
    });
  }

  async function authenticate(req: IncomingMessage): Promise<TokenHolder> {
    const token = bearerToken(header(req, "authorization"));
    const holder = token === null ? null : tokenHolder(deps.services, token);
    if (holder) return holder;
    const detail = token === null ? "no bearer token" : "a token no service lists";
    await audit(req, 401, null, null, detail);
    throw new ApiError(
      401,
      "unauthorized",
      "send `Authorization: Bearer <token>` with a token whose SHA-256 is in the service's pipeline.tokens",
    );
  }

  async function mayUse(req: IncomingMessage, holder: TokenHolder, service: string): Promise<void> {
    if (holder.services.includes(service)) return;
    await audit(req, 403, holder, service, `token ${holder.name} is not one of ${service}'s`);
    throw new ApiError(
      403,
      "forbidden",
      `the token ${holder.name} may not act on ${service}; it is listed for ${holder.services.join(", ")}`,
    );
  }

  async function json<T>(req: IncomingMessage, schema: z.ZodType<T>, emptyAs?: unknown): Promise<T> {
    const read = await readBounded(
      req,
      deps.maxBodyBytes ?? MAX_BODY_BYTES,
      deps.bodyTimeoutMs ?? BODY_TIMEOUT_MS,
    );
    if (!read.ok) throw new ApiError(read.status, read.reason, read.detail);
    const text = read.body.toString("utf8");
    let value: unknown = emptyAs;
    if (text.trim() !== "" || emptyAs === undefined) {
      try {
        value = JSON.parse(text);
      } catch {
        throw new ApiError(
          400,
          "bad-json",
          'the body must be JSON, e.g. {"service": "shop", "version": "v42"}',
        );
      }
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const problems = issueLines(parsed.error.issues, "body");
    throw new ApiError(400, "bad-request", problems.join("; "), { problems });
  }

  /**
   * The run the path names, when the token is one of its service's. Another service's run is answered exactly as a
   * run that does not exist (404 `no run <id>`, the same body and headers), so that a token cannot learn which run
   * ids other services have; only the audit and the log say which it was. Both are audited, so both answers take
   * the same steps (a read, an audit entry) and no Redis round trip more for the hidden run.
   */
  async function runOf(req: Request, holder: TokenHolder): Promise<Run> {
    const id = String(req.params?.id ?? "");
    const run = ACTION_FIELDS.runId.safeParse(id).success ? await deps.useCases.status(id) : null;
    if (run && holder.services.includes(run.service)) return run;
    await audit(
      req,
      404,
      holder,
      run?.service ?? null,
      run
        ? `token ${holder.name} is not one of ${run.service}'s: its run ${id} answered as no run`
        : `no run ${id}`,
    );
    throw new ApiError(404, "not-found", `no run ${id}`);
  }

  const view = async (run: Run) =>
    runView(run, deps.services.services[run.service], await deps.pipeline.deployed(run.id));

  async function start(req: IncomingMessage): Promise<[number, unknown]> {
    const holder = await authenticate(req);
    const body = await json(req, startBody);
    await mayUse(req, holder, body.service);
    const external = deps.services.services[body.service]?.deployer.kind === "external";
    if (body.deploy && (body.deploy === "external") !== external)
      throw new ApiError(
        422,
        "deploy-mismatch",
        external
          ? `${body.service} is in pipeline mode (deployer.kind external): phasegate does not deploy it; leave out deploy or send "external"`
          : `${body.service} is deployed by phasegate (deployer.kind ${deps.services.services[body.service]?.deployer.kind}): set deployer.kind external in the services file for pipeline mode`,
      );
    const key = header(req, "idempotency-key");
    if (key === undefined) return startRun(req, holder, body);
    const checked = idempotencyKey.safeParse(key);
    if (!checked.success)
      throw new ApiError(400, "bad-idempotency-key", checked.error.issues[0]?.message ?? "");
    const scope = `${body.service}:${holder.name}`;
    const fingerprint = createHash("sha256")
      .update(JSON.stringify([body.service, body.version]))
      .digest("hex");
    const claim = await deps.pipeline.claimKey(scope, key, fingerprint, IDEMPOTENCY_TTL_MS);
    if (claim.state !== "claimed" && claim.fingerprint !== fingerprint)
      throw new ApiError(
        422,
        "idempotency-key-reused",
        "this Idempotency-Key was used for another service or version: use a new key",
      );
    if (claim.state === "pending")
      throw new ApiError(
        409,
        "in-progress",
        "the first call with this Idempotency-Key is still starting the run: retry in a few seconds",
      );
    if (claim.state === "started") {
      const run = await deps.useCases.status(claim.runId);
      if (run) return [200, { ...(await view(run)), replayed: true }];
    }
    try {
      const [status, answer] = await startRun(req, holder, body);
      if (status === 201)
        await deps.pipeline.settleKey(
          scope,
          key,
          fingerprint,
          (answer as { id: string }).id,
          IDEMPOTENCY_TTL_MS,
        );
      else await deps.pipeline.releaseKey(scope, key);
      return [status, answer];
    } catch (error) {
      await deps.pipeline.releaseKey(scope, key).catch(() => undefined);
      throw error;
    }
  }

  async function startRun(
    req: IncomingMessage,
    holder: TokenHolder,
    body: z.infer<typeof startBody>,
  ): Promise<[number, unknown]> {
    const result = await deps.useCases.startRun({
      service: body.service,
      version: body.version,
      requester: pipelineRequester(holder.name),
    });
    if (!result.ok) {
      await audit(
        req,
        REFUSAL_STATUS[result.code],
        holder,
        body.service,
        `start of ${body.version} refused: ${result.code}`,
      );
      const { code, message, refusals, activeRunId } = result;
      return [
        REFUSAL_STATUS[code],
        { error: code, message, ...(refusals ? { refusals } : {}), ...(activeRunId ? { activeRunId } : {}) },
      ];
    }
    if (result.dryRun) throw new Error("a start through the API is never a dry run");
    await audit(req, 201, holder, body.service, `started ${result.run.id} (${body.version})`);
    return [201, await view(result.run)];
  }

  async function reportDeployed(req: Request): Promise<[number, unknown]> {
    const holder = await authenticate(req);
    const body = await json(req, deployedBody, {});
    const run = await runOf(req, holder);
    const kind = deps.services.services[run.service]?.deployer.kind;
    if (kind !== "external")
      throw new ApiError(
        409,
        "not-pipeline-mode",
        `${run.service} is deployed by phasegate (deployer.kind ${kind}): there is no deploy to report`,
      );
    if (body.version !== undefined && body.version !== run.version)
      throw new ApiError(
        409,
        "wrong-version",
        `${run.id} rolls out ${run.version}, not ${body.version}: nothing recorded`,
      );
    const shown = await view(run);
    if (shown.deploy === "deployed") return [200, shown];
    if (isTerminal(run.status))
      throw new ApiError(409, "run-ended", `${run.id} is ${run.status}: nothing waits for its deploy`);
    if (shown.deploy !== "ready")
      throw new ApiError(
        409,
        "not-ready",
        `${run.id} has not finished its expand phase: deploy ${run.version} once GET says "deploy": "ready"`,
      );
    await deps.pipeline.markDeployed(run.id, {
      version: run.version,
      by: holder.name,
      at: now().toISOString(),
    });
    await audit(req, 200, holder, run.service, `${run.id}: ${holder.name} reported ${run.version} deployed`);
    return [200, await view(run)];
  }

  function route(
    method: string,
    path: string,
    handle: (req: Request) => Promise<[number, unknown]>,
  ): ApiRoute {
    return {
      method,
      path,
      handler: (req, res) => {
        closeAfterBody(req, res);
        handle(req).then(
          ([status, body]) => send(res, status, body),
          (error: unknown) => {
            if (error instanceof ApiError) {
              send(res, error.status, { error: error.code, message: error.message, ...error.extra });
              return;
            }
            deps.logger.error({ err: error, path: req.url }, "pipeline API failed");
            send(res, 500, {
              error: "internal",
              message: "phasegate could not answer: see its log",
            });
          },
        );
      },
    };
  }

  return [
    route("POST", "/api/v1/runs", start),
    route("GET", "/api/v1/runs/:id", async (req) => [
      200,
      await view(await runOf(req, await authenticate(req))),
    ]),
    route("POST", "/api/v1/runs/:id/deployed", reportDeployed),
  ];
}
