import { blockProblems } from "./block-limits.js";

type Json = Record<string, unknown>;

/** Slack's documented limits on a modal (api.slack.com/reference/surfaces/views). */
export const VIEW_LIMITS = {
  title: 24,
  submit: 24,
  close: 24,
  blocks: 100,
  callbackId: 255,
  privateMetadata: 3000,
} as const;

const textOf = (value: unknown): string =>
  typeof value === "object" && value !== null && typeof (value as Json).text === "string"
    ? ((value as Json).text as string)
    : "";

/** Every broken limit of a modal view; empty when Slack would open it. */
export function viewProblems(view: unknown): string[] {
  if (typeof view !== "object" || view === null) return ["view: must be an object"];
  const v = view as Json;
  const problems: string[] = [];
  if (v.type !== "modal") problems.push("view.type: must be modal");
  const title = textOf(v.title);
  if (title.length === 0 || title.length > VIEW_LIMITS.title)
    problems.push(`view.title: must be 1 to ${VIEW_LIMITS.title} characters`);
  for (const key of ["submit", "close"] as const)
    if (v[key] !== undefined && textOf(v[key]).length > VIEW_LIMITS[key])
      problems.push(`view.${key}: must be at most ${VIEW_LIMITS[key]} characters`);
  if (typeof v.callback_id === "string" && v.callback_id.length > VIEW_LIMITS.callbackId)
    problems.push(`view.callback_id: must be at most ${VIEW_LIMITS.callbackId} characters`);
  if (typeof v.private_metadata === "string" && v.private_metadata.length > VIEW_LIMITS.privateMetadata)
    problems.push(`view.private_metadata: must be at most ${VIEW_LIMITS.privateMetadata} characters`);
  const blocks = Array.isArray(v.blocks) ? v.blocks : [];
  if (blocks.length > VIEW_LIMITS.blocks)
    problems.push(`view.blocks: must have at most ${VIEW_LIMITS.blocks} items`);
  const hasInput = blocks.some((b) => (b as Json).type === "input");
  if (hasInput && v.submit === undefined)
    problems.push("view.submit: a modal with input blocks needs a submit button");
  // The 50-block limit is a message's; a view's blocks are otherwise checked like a message's.
  return [...problems, ...blockProblems({ blocks: blocks.slice(0, 50) })];
}

/** A modal as the fake opened it. */
export interface OpenedView {
  id: string;
  triggerId: string;
  /** Whose action's trigger_id opened it; null for a trigger_id the fake did not hand out. */
  user: string | null;
  view: Json;
  /** Submitted and accepted, or closed by its user. */
  closed: boolean;
}
