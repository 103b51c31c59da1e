export { blockProblems, LIMITS } from "./block-limits.js";
export * from "./server.js";
export * from "./signing.js";
