/**
 * The step worker as its own entry point (a container's command): `phasegate worker` configured from the
 * environment (PHASEGATE_SERVICES, REDIS_URL, PHASEGATE_PREFIX) and the given flags.
 */
import { dispatch } from "../src/cli/dispatch.js";

process.exitCode = await dispatch(["worker", ...process.argv.slice(2)]);
