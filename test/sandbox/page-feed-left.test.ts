import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { PageFeed } from "../../src/sandbox/page-feed.js";
import type { FleetPanel } from "../../src/sandbox/story.js";
import { SlackFake } from "../../src/slack-emulator/index.js";
import { logger } from "../../src/telemetry/pino-logger.js";

const PANEL: FleetPanel = { activity: null, slots: [], chapters: [] };
let panelReads = 0;
/** The fleet's counters, read slowly enough for a client to leave meanwhile. */
async function slowPanel(): Promise<FleetPanel> {
  panelReads += 1;
  await new Promise((resolve) => setTimeout(resolve, 200));
  return PANEL;
}

const feed = new PageFeed(new SlackFake({ token: "xoxb-feed" }), ["C0SHOP"], slowPanel, logger);
const server = createServer((_request, response) => void feed.open("U0ALICE", response));

afterAll(() => {
  feed.close();
  server.close();
});

describe("the sandbox page's event stream", () => {
  it("forgets a client that left while its first fleet panel was read: no panel is read or sent for it again", async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, "127.0.0.1", () =>
      socket.write("GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n"),
    );
    socket.on("error", () => undefined);
    // Left once the panel is being read for its snapshot.
    while (panelReads === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const reads = panelReads;
    // Before the fix it stayed listened to: each send (the feed's own, every second) read the panel for it.
    await feed.sendFleet();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(panelReads).toBe(reads);
  });
});
