import type { OptionSpecs } from "./args.js";

/** `phasegate plan`'s options as node's parseArgs reads them, before and after validation. */
export const PLAN_OPTIONS: OptionSpecs = {
  project: { type: "string" },
  settings: { type: "string" },
  python: { type: "string" },
  target: { type: "string", multiple: true },
  format: { type: "string" },
  json: { type: "boolean" },
  verbose: { type: "boolean" },
  "live-facts": { type: "boolean" },
  help: { type: "boolean", short: "h" },
};
