import type { webApi } from "@slack/bolt";
import type { Logger } from "../../ports/logger.js";
import { describeSlackFailure } from "./slack-failure.js";

/** Asks Slack who the token belongs to, once at start: a refused token is logged with what to do, never fatal. */
export async function checkToken(client: webApi.WebClient, logger: Logger): Promise<boolean> {
  try {
    const who = await client.auth.test();
    logger.info({ team: who.team, user: who.user }, "Slack accepts the bot token");
    return true;
  } catch (error) {
    logger.error(
      { err: error, problem: describeSlackFailure(error) },
      "Slack does not accept the bot token yet",
    );
    return false;
  }
}
