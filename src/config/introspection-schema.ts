import { z } from "zod";
import { durationSeconds } from "./polling-schema.js";

export const INTROSPECTION_DEFAULTS = { timeoutSeconds: 120 };

/** `introspection:` of a service: how long reading a release's migrations (plan, start) may take. */
export const introspectionConfigSchema = z
  .strictObject({
    /**
     * The Django helper (settings import, database connection, each migration's SQL) still running after this
     * long is killed with its whole process group, and the plan or start is answered with the timeout.
     */
    timeoutSeconds: durationSeconds.default(INTROSPECTION_DEFAULTS.timeoutSeconds),
  })
  .describe("Reading a release's pending migrations with Django (plan and start): its time limit");

export type IntrospectionConfig = z.infer<typeof introspectionConfigSchema>;
