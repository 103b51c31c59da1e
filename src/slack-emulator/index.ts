export { blockProblems, blocksTextSize, LIMITS, messageError } from "./block-limits.js";
export { blocksTextLength, MAX_BLOCKS_TEXT } from "./message-size.js";
export * from "./server.js";
export * from "./signing.js";
export type { EnvelopeAck, EnvelopeType } from "./socket-mode.js";
export { viewSubmissionBody } from "./view-submission.js";
export { type OpenedView, VIEW_LIMITS, viewProblems } from "./views.js";
export * from "./workspace.js";
