import type { App } from "@slack/bolt";
import { z } from "zod";
import type { Logger } from "../../ports/logger.js";

/** What a failed request was, from its body: enough to find it, never its whole payload. */
const requestSchema = z.looseObject({
  type: z.string().optional(),
  command: z.string().optional(),
  user_id: z.string().optional(),
  user: z.looseObject({ id: z.string() }).optional(),
  actions: z.array(z.looseObject({ action_id: z.string() })).optional(),
  view: z.looseObject({ callback_id: z.string().optional() }).optional(),
});

function describeRequest(body: unknown) {
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) return { kind: "unreadable" };
  const b = parsed.data;
  return {
    kind: b.command ? "command" : (b.type ?? "unknown"),
    user: b.user_id ?? b.user?.id,
    command: b.command,
    action: b.actions?.[0]?.action_id,
    view: b.view?.callback_id,
  };
}

/**
 * Bolt's global error handler: whatever a listener or middleware throws is logged once, structured, with the
 * request it came from (Bolt's default logs the bare error and rethrows it into the receiver). The listeners
 * answer the user themselves; this is the net under them.
 */
export function registerErrorHandler(app: App, logger: Logger): void {
  app.error(async ({ error, body }: { error: Error & { code?: string }; body: unknown }) => {
    logger.error(
      { err: error, code: error.code, request: describeRequest(body) },
      "a Slack request failed inside phasegate",
    );
  });
}
