export { blockProblems, blocksTextSize, LIMITS, messageError } from "./block-limits.js";
export { blocksTextLength, MAX_BLOCKS_TEXT } from "./message-size.js";
export * from "./server.js";
export * from "./signing.js";
export type { EnvelopeAck, EnvelopeType } from "./socket-mode.js";
export * from "./workspace.js";
