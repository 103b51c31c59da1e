import { type CustomRoute, HTTPReceiver, type Logger } from "@slack/bolt";
import { unroutedRequest } from "./unrouted.js";

/**
 * Bolt's HTTP server with phasegate's own routes (health, metrics, the pipeline API) and no Slack endpoint: Slack's
 * requests reach Bolt another way (through the request guard, or over Socket Mode), so it has no signature to check.
 * A request no route takes is answered by `unroutedRequest`.
 */
export function routesReceiver(customRoutes: CustomRoute[], logger: Logger | undefined): HTTPReceiver {
  return new HTTPReceiver({
    signingSecret: "",
    signatureVerification: false,
    endpoints: [],
    customRoutes,
    logger,
    dispatchErrorHandler: unroutedRequest,
  });
}
