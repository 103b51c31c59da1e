import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Plan } from "../domain/plan/plan.js";
import type { Run } from "../domain/run/run.js";
import type { ButtonOrigin } from "../ports/use-cases.js";

/** A random button token (128 bits, URL-safe). */
export function newButtonToken(): string {
  return randomBytes(16).toString("base64url");
}

/** One random token per approval gate of the plan. */
export function newGateTokens(plan: Plan): Record<string, string> {
  return Object.fromEntries(
    plan.steps.flatMap((step) => (step.kind === "approval" ? [[step.gate, newButtonToken()]] : [])),
  );
}

function sameToken(expected: string | null | undefined, given: string): boolean {
  if (expected === undefined || expected === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Why a click does not count for this run's gate, or null when it does: the button must carry the gate's token
 * and come from the message the gate's approval was posted as (its channel and ts).
 */
export function buttonMismatch(run: Run, gate: string, button: ButtonOrigin): string | null {
  if (!sameToken(run.gateTokens[gate], button.token))
    return `this button was not posted for ${run.id} (an older run of the same id, or another run): use the buttons of ${run.id}'s own approval message`;
  const posted = run.gateMessages[gate];
  if (!posted || posted.channel !== button.channel || posted.ts !== button.messageTs)
    return `this click did not come from the approval message of ${run.id} (${posted ? `<#${posted.channel}>` : "not posted yet"})`;
  return null;
}

/**
 * The click carries the gate's token but the gate's approval message is not recorded yet: Slack showed the message
 * before phasegate wrote down its ts (the post's answer and that write are two steps), so the record is coming.
 */
export function gateMessageUnrecorded(run: Run, gate: string, button: ButtonOrigin): boolean {
  return sameToken(run.gateTokens[gate], button.token) && !run.gateMessages[gate];
}

/**
 * Why a click on "Roll back the deploy" does not count for this run, or null when it does: the button must carry
 * the run's rollback token and come from the run's card.
 */
export function rollbackButtonMismatch(run: Run, button: ButtonOrigin): string | null {
  if (!sameToken(run.rollbackToken, button.token))
    return `this button was not posted for ${run.id} (an older run of the same id, or another run): use the button on ${run.id}'s own card`;
  const card = run.notification;
  if (!card || card.channel !== button.channel || card.ts !== button.messageTs)
    return `this click did not come from the card of ${run.id} (${card ? `<#${card.channel}>` : "not posted yet"})`;
  return null;
}
