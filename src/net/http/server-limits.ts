import { createServer, type RequestListener, type Server, type ServerOptions } from "node:http";

/**
 * A client has 5 s to send its headers and 10 s for its whole request (Node's defaults: 60 s and 5 minutes), so a
 * client dribbling header bytes (slowloris) holds a socket for seconds, not minutes. A response may take as long as
 * it needs: an event stream is not cut.
 */
export const SERVER_TIMEOUTS = {
  headersTimeout: 5000,
  requestTimeout: 10_000,
  keepAliveTimeout: 5000,
  // How often Node checks the two limits above; at its default of 30 s a stalled client stayed up to 35 s.
  connectionsCheckingInterval: 1000,
} satisfies ServerOptions;

/**
 * Open connections a side server (the sandbox's page, a worker's /metrics) keeps; beyond it a new one is closed at
 * once. A few browser tabs (an event stream each, six sockets at most per browser) or a Prometheus scraper need a
 * handful; a flood of sockets is refused long before it exhausts the process's file descriptors (1,024 by default).
 */
export const MAX_CONNECTIONS = 256;

/** An HTTP server with the time limits above and the connection cap. */
export function limitedServer(handler: RequestListener): Server {
  const server = createServer(SERVER_TIMEOUTS, handler);
  server.maxConnections = MAX_CONNECTIONS;
  return server;
}
