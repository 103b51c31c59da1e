import { z } from "zod";
import { StartupError } from "./startup-error.js";

const limit = z.coerce.number().int().min(1).max(64);

/** PHASEGATE_MAX_INTROSPECTIONS: Django introspections one process runs at once; undefined when unset. */
export function maxIntrospectionsFromEnv(): number | undefined {
  const raw = process.env.PHASEGATE_MAX_INTROSPECTIONS;
  if (raw === undefined || raw.trim() === "") return undefined;
  const parsed = limit.safeParse(raw);
  if (!parsed.success)
    throw new StartupError(
      `PHASEGATE_MAX_INTROSPECTIONS must be a whole number from 1 to 64 (Django processes at once), got "${raw}": fix it or unset it for the default of 4`,
    );
  return parsed.data;
}
