import type { ServerResponse } from "node:http";
import type { Logger } from "../ports/logger.js";
import type { ChannelChange, SlackFake } from "../slack-emulator/index.js";
import { fromEphemeral, fromStored } from "./page-messages.js";
import type { FleetPanel } from "./story.js";

/** Keeps proxies and browsers from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;
const FLEET_EVERY_MS = 1000;

interface Listener {
  user: string;
  response: ServerResponse;
}

function write(response: ServerResponse, event: string, data: unknown): void {
  response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * The page's live view over Server-Sent Events: on connect, the whole history of every channel (what the user may
 * see: their own ephemerals only), then every change as it happens (and the modals opened for this user), and the
 * fleet panel every second.
 */
export class PageFeed {
  private readonly listeners = new Set<Listener>();
  private readonly stopWatching: () => void;
  private readonly keepalive: NodeJS.Timeout;
  private readonly fleetTimer: NodeJS.Timeout | null;

  constructor(
    private readonly fake: SlackFake,
    private readonly channels: string[],
    private readonly fleet: (() => Promise<FleetPanel>) | null,
    private readonly logger: Logger,
  ) {
    this.stopWatching = fake.onChange((change) => this.changed(change));
    this.keepalive = setInterval(() => this.comment(), KEEPALIVE_MS);
    this.fleetTimer = fleet ? setInterval(() => void this.sendFleet(), FLEET_EVERY_MS) : null;
  }

  /** Opens the stream for `user`: the snapshot first. */
  async open(user: string, response: ServerResponse): Promise<void> {
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    const fleet = await this.panel();
    // A client gone while the panel was read has had its close event: listening to it now would never end.
    if (response.destroyed) return;
    const messages = this.channels.flatMap((channel) => [
      ...this.fake.history(channel).map(fromStored),
      ...this.fake.ephemerals(channel, user).map(fromEphemeral),
    ]);
    write(response, "snapshot", { messages, fleet });
    const listener = { user, response };
    this.listeners.add(listener);
    response.on("close", () => this.listeners.delete(listener));
  }

  close(): void {
    this.stopWatching();
    clearInterval(this.keepalive);
    if (this.fleetTimer) clearInterval(this.fleetTimer);
    for (const { response } of this.listeners) response.end();
    this.listeners.clear();
  }

  /** Sends the fleet panel now (after a reset or the naive path started). */
  async sendFleet(): Promise<void> {
    if (this.listeners.size === 0) return;
    const panel = await this.panel();
    if (panel) for (const { response } of this.listeners) write(response, "fleet", panel);
  }

  private async panel(): Promise<FleetPanel | null> {
    try {
      return this.fleet ? await this.fleet() : null;
    } catch (error) {
      this.logger.warn({ err: error }, "could not read the fleet's counters");
      return null;
    }
  }

  private changed(change: ChannelChange): void {
    for (const { user, response } of this.listeners) {
      if (change.kind === "ephemeral") {
        if (change.ephemeral.user === user) write(response, "message", fromEphemeral(change.ephemeral));
      } else if (change.kind === "view-opened") {
        if (change.view.user === user)
          write(response, "view", { id: change.view.id, view: change.view.view });
      } else if (change.kind === "deleted")
        write(response, "deleted", { channel: change.message.channel, ts: change.message.ts });
      else write(response, "message", fromStored(change.message));
    }
  }

  private comment(): void {
    for (const { response } of this.listeners) response.write(": keepalive\n\n");
  }
}
