import { z } from "zod";
import { parseOptions } from "./args.js";
import { targetOf } from "./helper-start.js";
import { FORMATS } from "./plan-format.js";
import { PLAN_OPTIONS } from "./plan-option-specs.js";
import { projectOptionsShape } from "./project-options.js";

const targetSchema = z.string().transform((value, context) => {
  const target = targetOf(value);
  if (!target)
    context.addIssue({
      code: "custom",
      message: "--target takes app:migration, e.g. --target catalog:0002_product_is_active",
    });
  return target ?? z.NEVER;
});

const planOptionsSchema = z.object({
  ...projectOptionsShape,
  target: z.array(targetSchema).default([]),
  format: z.enum(FORMATS, { error: `--format takes ${FORMATS.join(", ")}` }).optional(),
  json: z.boolean().default(false),
  verbose: z.boolean().default(false),
  "live-facts": z.boolean().default(false),
});

/** `phasegate plan`'s options, validated. */
export function parsePlanOptions(argv: string[]) {
  return parseOptions(argv, PLAN_OPTIONS, planOptionsSchema);
}
