/**
 * The step worker process: what the worker Deployment runs (`node dist/workers/step-worker.js`), configured from
 * the environment (PHASEGATE_SERVICES, REDIS_URL, PHASEGATE_PREFIX, METRICS_PORT) and the given flags.
 * `phasegate worker` is the same process started from the CLI.
 */
import { dispatch } from "../src/cli/dispatch.js";

process.exitCode = await dispatch(["worker", ...process.argv.slice(2)]);
