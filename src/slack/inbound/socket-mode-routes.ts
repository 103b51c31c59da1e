import type { ServerOptions } from "node:http";
import type { ListenOptions } from "node:net";
import {
  type CustomRoute,
  type HTTPReceiver,
  SocketModeReceiver,
  type SocketModeReceiverOptions,
} from "@slack/bolt";
import { routesReceiver } from "./routes-receiver.js";

/**
 * Socket Mode's receiver, its HTTP routes (health, metrics, the pipeline API) served as HTTP mode serves them: on
 * the port and with the time limits `app.start` is given, a request no route takes answered by `unroutedRequest`.
 * Bolt's own Socket Mode server matches routes in an async listener with nothing to catch: `GET /api/v1/runs/%E0` (a
 * URIError in its matching) ended the bot on the unhandled rejection.
 */
export class SocketModeWithRoutes extends SocketModeReceiver {
  private readonly routesServer: HTTPReceiver;

  constructor(options: Omit<SocketModeReceiverOptions, "customRoutes">, customRoutes: CustomRoute[]) {
    super(options);
    this.routesServer = routesReceiver(customRoutes, options.logger);
  }

  // biome-ignore lint/suspicious/noExplicitAny: Bolt's Receiver.start takes any arguments
  override async start(port: number | ListenOptions = 3000, serverOptions?: ServerOptions): Promise<any> {
    await this.routesServer.start(port, serverOptions);
    return super.start();
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.routesServer.stop();
  }
}
