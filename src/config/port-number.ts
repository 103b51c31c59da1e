import { z } from "zod";

/**
 * A TCP port written in an option or an environment variable (PORT, METRICS_PORT, --port): digits only, so that a
 * blank value (`PORT=` in a manifest, `--port ''`) is refused instead of read as 0, which listens on any free port.
 */
export function portNumber(example: number) {
  const message = `must be a port number from 0 to 65535, e.g. ${example}`;
  return z
    .string({ error: message })
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().max(65_535, message));
}
