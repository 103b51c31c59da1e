import { z } from "zod";
import type { AuditEntry, AuditInput } from "../ports/run-store.js";

const status = z.string().transform((s) => (s === "" ? null : s));

const auditFieldsSchema = z.object({
  at: z.string(),
  actorKind: z.enum(["user", "system"]),
  actorId: z.string(),
  action: z.string(),
  from: status,
  to: status,
  outcome: z.enum(["applied", "refused"]),
  detail: z.string().transform((s) => (s === "" ? null : s)),
});

/** Stream fields of an audit entry: flat field/value pairs. */
export function encodeAudit(entry: AuditInput): string[] {
  return [
    "at",
    entry.at,
    "actorKind",
    entry.actor.kind,
    "actorId",
    entry.actor.id,
    "action",
    entry.action,
    "from",
    entry.from ?? "",
    "to",
    entry.to ?? "",
    "outcome",
    entry.outcome,
    "detail",
    entry.detail ?? "",
  ];
}

export function decodeAudit(id: string, fields: string[]): AuditEntry {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i] as string] = fields[i + 1] as string;
  const parsed = auditFieldsSchema.parse(record);
  return {
    id,
    at: parsed.at,
    actor: { kind: parsed.actorKind, id: parsed.actorId },
    action: parsed.action,
    from: parsed.from as AuditEntry["from"],
    to: parsed.to as AuditEntry["to"],
    outcome: parsed.outcome,
    detail: parsed.detail,
  };
}
