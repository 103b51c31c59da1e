import type { AddressInfo } from "node:net";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";

/**
 * The anchor of the ack figures: a Bolt app that does nothing but ack `/migrate` (the same receiver class, signing
 * secret and Bolt version as the bot, no guard, no Redis). argv: signing secret, bot token. Prints `{"port":N}`.
 */
const [secret = "", token = ""] = process.argv.slice(2);
const receiver = new HTTPReceiver({ signingSecret: secret, endpoints: ["/slack/events"] });
const app = new App({
  receiver,
  authorize: async () => ({ botToken: token }),
  logLevel: LogLevel.ERROR,
  convoStore: false,
});
app.command("/migrate", async ({ ack }) => {
  await ack();
});
const server = (await app.start(0)) as { address(): AddressInfo };
process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
process.once("SIGTERM", async () => {
  await app.stop();
  process.exit(0);
});
