import type { Server, ServerOptions, ServerResponse } from "node:http";
import type { ListenOptions } from "node:net";
import {
  type AckFn,
  type App,
  type CustomRoute,
  HTTPModuleFunctions,
  type HTTPReceiver,
  HTTPResponseAck,
  type Logger,
  type Receiver,
} from "@slack/bolt";
import type { AckAnswer } from "./command-ack.js";
import type { InFlightWork } from "./in-flight-work.js";
import type { SlackBody } from "./payload-schema.js";
import type { AcceptedRequest, RequestGuardOptions } from "./request-guard.js";
import { guardRequests } from "./request-guard.js";
import { withRequestIds } from "./request-ids.js";
import { routesReceiver } from "./routes-receiver.js";

export interface GuardedReceiverOptions extends Omit<RequestGuardOptions, "accepted" | "logger"> {
  customRoutes: CustomRoute[];
  /** Bolt's logger (acks, routes) and ours (the guard's refusals). */
  logger: { bolt: Logger; guard: RequestGuardOptions["logger"] };
  /**
   * What a slash command's ack says, from its name and text alone: each slash command is acked here as soon as its
   * checks pass, and its listener's own ack() does nothing.
   */
  commandAck: (command: { command: string; text: string }) => AckAnswer | undefined;
  /** Resolves when a command acked here may go on to Bolt (AckGate.settled: once no request read awaits its ack). */
  afterAcks: () => Promise<void>;
  /** Each request handed on is tracked from there until Bolt's listeners are done with it. */
  work: InFlightWork;
}

/** Bolt's listener still calls ack() on a command the receiver has answered. */
const ACKED = async () => {};

/**
 * HTTP mode's receiver. Slack's endpoint is served by the request guard, which reads, checks and parses each request
 * once, and from here the event goes to the app as Bolt's HTTPReceiver would send it (same ack, same errors), except
 * that a slash command is acked here first (commandAck). That HTTPReceiver owns the server and serves
 * only the other routes (health, metrics, the pipeline API): it has no Slack endpoint, so no request reaches the app
 * around the guard, and none is verified or parsed a second time.
 */
export class GuardedReceiver implements Receiver {
  private readonly http: HTTPReceiver;
  private readonly logger: Logger;
  private app: App | undefined;
  private readonly commandAck: GuardedReceiverOptions["commandAck"];
  private readonly afterAcks: () => Promise<void>;

  constructor({ customRoutes, logger, commandAck, afterAcks, work, ...guard }: GuardedReceiverOptions) {
    this.logger = logger.bolt;
    this.commandAck = commandAck;
    this.afterAcks = afterAcks;
    this.http = routesReceiver(customRoutes, this.logger);
    this.http.requestListener = withRequestIds(
      guardRequests(this.http.requestListener, {
        ...guard,
        logger: logger.guard,
        accepted: (request, body, response) =>
          work.track(
            this.dispatch(request, body, response).catch((error: unknown) => {
              logger.guard.error({ err: error }, "a Slack request could not be handed to Bolt");
              if (!response.headersSent) response.writeHead(500).end();
            }),
          ),
      }),
    );
  }

  init(app: App): void {
    this.app = app;
    this.http.init(app);
  }

  start(port: number | ListenOptions, serverOptions?: ServerOptions): Promise<Server> {
    return this.http.start(port, serverOptions);
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  private async dispatch(request: AcceptedRequest, body: SlackBody, response: ServerResponse): Promise<void> {
    if (body.ssl_check === "1") return HTTPModuleFunctions.buildSSLCheckResponse(response);
    if (typeof body.command === "string" && typeof body.text === "string")
      return this.ackFirst(
        request,
        body,
        this.commandAck({ command: body.command, text: body.text }),
        response,
      );
    const ack = new HTTPResponseAck({
      logger: this.logger,
      processBeforeResponse: false,
      httpRequest: request,
      httpRequestBody: body,
      httpResponse: response,
    });
    try {
      await this.toBolt(request, body, ack.bind());
    } catch (error) {
      const acked = await HTTPModuleFunctions.defaultProcessEventErrorHandler({
        error: error as Error,
        logger: this.logger,
        request,
        response,
        storedResponse: ack.storedResponse,
      });
      if (acked) ack.ack();
    }
  }

  /**
   * A slash command is acked as soon as its checks pass, with what its name and text alone say (commandAck). Bolt's
   * middleware and the listener run once the acks owed to the other requests read so far are out too (afterAcks):
   * run first, they cost each ack of a burst the Bolt processing of every request before it.
   */
  private async ackFirst(
    request: AcceptedRequest,
    body: SlackBody,
    answer: AckAnswer | undefined,
    response: ServerResponse,
  ): Promise<void> {
    HTTPModuleFunctions.buildContentResponse(response, answer);
    await this.afterAcks();
    await this.toBolt(request, body, ACKED);
  }

  private toBolt(request: AcceptedRequest, body: SlackBody, ack: AckFn<unknown>): Promise<void> {
    if (!this.app) throw new Error("the receiver got a request before Bolt's app took it");
    return this.app.processEvent({
      body,
      ack,
      retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(request),
      retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(request),
    });
  }
}
