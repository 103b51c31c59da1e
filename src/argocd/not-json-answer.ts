/** How much of an answer that is not JSON a message shows. */
const EXCERPT_CHARS = 120;

/** A short, readable cut of an answer: an HTML page's text, without its markup, styles and scripts. */
function excerptOf(body: string): string {
  const text = body
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1).trimEnd()}…` : text;
}

/**
 * What an answer that is not JSON is said to be. Argo CD's API answers a refused token in JSON; a 401 or 403 in
 * HTML or plain text comes from what stands in front of it (an OAuth or SSO proxy's login page, a gateway's
 * "Forbidden"), where a new token would not help.
 */
export function notJsonMessage(url: string, where: string, status: number, body: string): string {
  const cut = excerptOf(body);
  if (status === 401 || status === 403)
    return `Argo CD at ${url} (or something in front of it) refused the token with ${status} on ${where}, answering no JSON (${cut ? JSON.stringify(cut) : "an empty body"}): a proxy in front of Argo CD (an OAuth or SSO proxy, say) must let the bearer token through to Argo CD's API server, or url points at the proxy's login page rather than at the API server`;
  return `Argo CD answered ${where} with ${status} and no JSON: ${cut || "an empty body"}`;
}
