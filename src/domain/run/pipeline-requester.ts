/**
 * A run started through the pipeline API has the token's name as its requester, marked so that no Slack user id or
 * terminal user is mistaken for it: "pipeline:github-actions".
 */
const MARK = "pipeline:";

export const pipelineRequester = (tokenName: string) => `${MARK}${tokenName}`;

/** The token's name of a run the pipeline started, else null. */
export function pipelineOf(requester: string): string | null {
  return requester.startsWith(MARK) ? requester.slice(MARK.length) : null;
}
