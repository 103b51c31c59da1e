import { fitLines, SLACK_LIMITS, type SlackMessage, sections, truncate } from "./kit.js";

/** Slack takes at most five answers through one response_url. */
export const MAX_ANSWERS = 5;

/** Characters of a page kept free of the total (the page line, what Slack may count that we do not). */
const MARGIN = 1000;

/** How many of the first lines fit in `budget` characters, a newline after each; at least one. */
function countWithin(lines: string[], budget: number): number {
  let size = 0;
  let count = 0;
  for (const line of lines) {
    size += line.length + 1;
    if (size > budget) break;
    count += 1;
  }
  return Math.max(1, count);
}

/**
 * Lines too many for one message, as up to `MAX_ANSWERS` messages each within Slack's limits, in order. What does
 * not fit in them all is counted on the last one, with `elsewhere` saying where to read it.
 */
export function pagedAnswer(title: string, lines: string[], elsewhere: string): SlackMessage[] {
  const budget = SLACK_LIMITS.blocksText - MARGIN - title.length;
  const pages: string[][] = [];
  let rest = lines.map((line) => truncate(line, SLACK_LIMITS.sectionText));
  while (rest.length > 0 && pages.length < MAX_ANSWERS - 1) {
    const count = countWithin(rest, budget);
    pages.push(rest.slice(0, count));
    rest = rest.slice(count);
  }
  if (rest.length > 0) pages.push(fitLines(rest, budget, (n) => `…and ${n} more lines: ${elsewhere}`));
  if (pages.length === 0) pages.push([]);
  return pages.map((page, i) => {
    const heading = pages.length > 1 ? `${title} (${i + 1} of ${pages.length})` : title;
    return { text: heading, blocks: sections([`*${heading}*`, ...page]) };
  });
}
