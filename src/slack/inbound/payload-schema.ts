import { parse } from "node:querystring";
import { z } from "zod";
import { firstIssueLine } from "../../domain/issues/issue-lines.js";

/** What a slash command must carry for us to answer it. */
const commandSchema = z.object({
  command: z.string().min(1),
  text: z.string(),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  response_url: z.url(),
});

/** What a button click must carry: who clicked, where, which button, where to answer. */
const blockActionsSchema = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id: z.string().min(1) }),
  response_url: z.url(),
  container: z.object({ channel_id: z.string().min(1), message_ts: z.string().min(1) }),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

/** Other interactions (views, shortcuts) are Bolt's to ignore; only their type is required. */
const otherInteractionSchema = z.object({ type: z.string().min(1) });

/** The body as Bolt takes it: the form's fields, or an interaction's JSON payload. */
export type SlackBody = Record<string, unknown>;

export type PayloadRead = { ok: true; body: SlackBody } | { ok: false; reason: string };

function malformed(reason: string): PayloadRead {
  return { ok: false, reason };
}

/**
 * The body of a request we can handle (or leave to Bolt to ignore), parsed once; else why it is malformed. A slash
 * command is its form; an interaction is the form's `payload` field, JSON (as Bolt's own receiver parses them).
 */
export function readPayload(body: string, contentType: string | undefined): PayloadRead {
  if (!(contentType ?? "").startsWith("application/x-www-form-urlencoded"))
    return malformed("expected application/x-www-form-urlencoded");
  const form: SlackBody = parse(body);
  if (form.ssl_check === "1") return { ok: true, body: form };
  if (typeof form.payload === "string") {
    let payload: unknown;
    try {
      payload = JSON.parse(form.payload);
    } catch {
      return malformed("payload is not JSON");
    }
    const type = otherInteractionSchema.safeParse(payload);
    if (!type.success) return malformed("payload has no type");
    const schema = type.data.type === "block_actions" ? blockActionsSchema : otherInteractionSchema;
    const parsed = schema.safeParse(payload);
    return parsed.success
      ? { ok: true, body: payload as SlackBody }
      : malformed(`${type.data.type}: ${firstIssue(parsed.error)}`);
  }
  const parsed = commandSchema.safeParse(form);
  return parsed.success ? { ok: true, body: form } : malformed(`slash command: ${firstIssue(parsed.error)}`);
}

function firstIssue(error: z.ZodError): string {
  return firstIssueLine(error.issues, "(body)") ?? "invalid";
}
