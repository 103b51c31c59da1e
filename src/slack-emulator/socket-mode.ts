import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { z } from "zod";

type Json = Record<string, unknown>;

/** What Slack wraps in an envelope: a slash command, an interaction (button, dialog) or an Events API event. */
export type EnvelopeType = "slash_commands" | "interactive" | "events_api";

/** An app's answer to an envelope: its ack (with the ack's payload), or none within Slack's 3 seconds. */
export type EnvelopeAck = { acked: true; payload: Json } | { acked: false };

const ackSchema = z.object({
  envelope_id: z.string(),
  payload: z.record(z.string(), z.unknown()).optional(),
});

const ACK_TIMEOUT_MS = 3000;
const PATH = "/socket-mode";

/**
 * Slack's Socket Mode side: `apps.connections.open` hands out a one-use WebSocket URL; a connection gets `hello`,
 * then envelopes, each acknowledged by its envelope_id (Slack waits 3 s for the ack, as for an HTTP answer).
 */
export class SocketModeEndpoint {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sockets: WebSocket[] = [];
  private readonly tickets = new Set<string>();
  private readonly waiting = new Map<string, (payload: Json) => void>();
  private next = 0;

  constructor(private readonly appId: string) {}

  /** The URL `apps.connections.open` answers (ws://, one connection per call). */
  open(baseUrl: string): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${baseUrl.replace(/^http/, "ws")}${PATH}?ticket=${ticket}`;
  }

  /** Takes the HTTP upgrade of a URL it handed out; refuses any other. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? "/", "http://emulator");
    const ticket = url.searchParams.get("ticket") ?? "";
    if (url.pathname !== PATH || !this.tickets.delete(ticket)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.connected(ws));
  }

  /** Connections open now. */
  get connections(): number {
    return this.sockets.length;
  }

  /** Sends an envelope to one connected app (in turn, like Slack across an app's connections) and waits for its ack. */
  async deliver(type: EnvelopeType, payload: Json): Promise<EnvelopeAck> {
    const socket = this.sockets[this.next++ % Math.max(1, this.sockets.length)];
    if (!socket) return { acked: false };
    const envelopeId = randomUUID();
    const acked = new Promise<EnvelopeAck>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(envelopeId);
        resolve({ acked: false });
      }, ACK_TIMEOUT_MS);
      this.waiting.set(envelopeId, (ackPayload) => {
        clearTimeout(timer);
        resolve({ acked: true, payload: ackPayload });
      });
    });
    socket.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type !== "events_api",
        retry_attempt: 0,
        retry_reason: "",
      }),
    );
    return acked;
  }

  close(): void {
    for (const socket of this.sockets.splice(0)) socket.terminate();
    this.server.close();
  }

  private connected(ws: WebSocket): void {
    this.sockets.push(ws);
    ws.on("message", (data) => this.acked(String(data)));
    ws.on("close", () => {
      const index = this.sockets.indexOf(ws);
      if (index >= 0) this.sockets.splice(index, 1);
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.sockets.length,
        debug_info: { host: "slack-emulator", approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
  }

  private acked(text: string): void {
    let parsed: ReturnType<typeof ackSchema.safeParse>;
    try {
      parsed = ackSchema.safeParse(JSON.parse(text));
    } catch {
      return;
    }
    if (!parsed.success) return;
    this.waiting.get(parsed.data.envelope_id)?.(parsed.data.payload ?? {});
    this.waiting.delete(parsed.data.envelope_id);
  }
}
