import type { App } from "@slack/bolt";
import { z } from "zod";
import type { Logger } from "../../ports/logger.js";
import { ephemeral, respondTo } from "./response-url.js";

/** What a failed request was, from its body: enough to find it, never its whole payload. */
const requestSchema = z.looseObject({
  type: z.string().optional(),
  command: z.string().optional(),
  response_url: z.string().optional(),
  user_id: z.string().optional(),
  user: z.looseObject({ id: z.string() }).optional(),
  actions: z.array(z.looseObject({ action_id: z.string() })).optional(),
  view: z.looseObject({ callback_id: z.string().optional() }).optional(),
});

type FailedRequest = z.infer<typeof requestSchema>;

function describeRequest(b: FailedRequest | undefined) {
  if (!b) return { kind: "unreadable" };
  return {
    kind: b.command ? "command" : (b.type ?? "unknown"),
    user: b.user_id ?? b.user?.id,
    command: b.command,
    action: b.actions?.[0]?.action_id,
    view: b.view?.callback_id,
  };
}

/** What the user is told when answering failed on phasegate's side. */
export const OOPS =
  ":warning: Something went wrong on phasegate's side while answering. Check `/migrate status` before trying again; the phasegate operators find the error in its log.";

/**
 * Bolt's global error handler: whatever a listener or middleware throws is logged once, structured, with the
 * request it came from (Bolt's default logs the bare error and rethrows it into the receiver). The listeners
 * answer the user themselves; this is the net under them. A slash command is told by its response URL: its ack,
 * sent before Bolt saw it, said nothing.
 */
export function registerErrorHandler(app: App, logger: Logger): void {
  app.error(async ({ error, body }: { error: Error & { code?: string }; body: unknown }) => {
    const request = requestSchema.safeParse(body).data;
    logger.error(
      { err: error, code: error.code, request: describeRequest(request) },
      "a Slack request failed inside phasegate",
    );
    const responseUrl = request?.command ? request.response_url : undefined;
    if (!responseUrl) return;
    await ephemeral(respondTo(responseUrl), OOPS).catch((failure: unknown) =>
      logger.warn({ err: failure }, "could not tell the user that their command failed"),
    );
  });
}
