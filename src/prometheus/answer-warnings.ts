import { z } from "zod";

/**
 * What Prometheus flags about an answer next to its `data`: `warnings` (a remote store or a Thanos store that did not
 * answer, a PromQL warning) and, since 2.50, `infos` (a PromQL info, such as rate() over what may not be a counter).
 * The answer still counts; the flags travel with it to whoever reads its figure.
 */
export const flagFields = {
  warnings: z.array(z.string()).optional(),
  infos: z.array(z.string()).optional(),
};

/** Flags shown with a figure; more are counted (all are in the log). */
export const MAX_FLAGS_SHOWN = 3;
/** Characters of one flag shown with a figure (a remote store's error page may fill Prometheus's 512). */
export const MAX_FLAG_CHARS = 200;
const MAX_FLAGS_LOGGED = 20;
const MAX_LOGGED_CHARS = 1000;

/** Control characters (newlines, escapes) and the bidi controls that reorder what a reader sees. */
const UNPRINTABLE = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]+/gu;

/** In code points, so an emoji or a CJK character is never cut in half. */
function cut(text: string, max: number): string {
  const points = [...text];
  return points.length > max ? `${points.slice(0, max).join("")}…` : text;
}

/** Each flag on one line, printable, distinct: warnings first, then infos said as such. */
function flagsOf(fields: { warnings?: string[]; infos?: string[] }): string[] {
  const infos = (fields.infos ?? []).map((info) =>
    /^(promql )?info\b/i.test(info.trim()) ? info : `info: ${info}`,
  );
  const lines = [...(fields.warnings ?? []), ...infos]
    .map((flag) => flag.replace(UNPRINTABLE, " ").replace(/\s+/g, " ").trim())
    .filter((flag) => flag !== "");
  return [...new Set(lines)];
}

/** The flags an answer carries to the card: the first MAX_FLAGS_SHOWN, cut, then how many more. */
export function shownFlags(fields: { warnings?: string[]; infos?: string[] }): string[] {
  const flags = flagsOf(fields);
  const shown = flags.slice(0, MAX_FLAGS_SHOWN).map((flag) => cut(flag, MAX_FLAG_CHARS));
  const more = flags.length - shown.length;
  return more > 0 ? [...shown, `and ${more} more (in phasegate's log)`] : shown;
}

/** The flags as the log keeps them: longer, more of them. */
export function loggedFlags(fields: { warnings?: string[]; infos?: string[] }): string[] {
  return flagsOf(fields)
    .slice(0, MAX_FLAGS_LOGGED)
    .map((flag) => cut(flag, MAX_LOGGED_CHARS));
}
