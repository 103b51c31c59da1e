import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackUsergroupDirectory } from "../../../src/slack/outbound/slack-usergroup-directory.js";
import { SlackFake } from "../../../src/slack-emulator/index.js";
import { logger } from "../../../src/telemetry/pino-logger.js";
import { sample } from "../../ship/samples.js";

const TOKEN = "xoxb-ship-token";
let fake: SlackFake;
let client: webApi.WebClient;

beforeAll(async () => {
  fake = await new SlackFake({ token: TOKEN }).start();
  client = new webApi.WebClient(TOKEN, { slackApiUrl: fake.apiUrl });
});

afterAll(() => fake.stop());

describe("Slack API errors of approver lookups", () => {
  it("are counted with Slack's own error, and the lookup grants nothing", async () => {
    fake.setUsergroup("S0DBA", ["U0CAROL"]);
    fake.failNext("usergroups.users.list", "missing_scope");
    const directory = new SlackUsergroupDirectory(client, logger);
    expect(await directory.members("S0DBA")).toEqual([]);
    expect(
      await sample("phasegate_slack_api_errors_total", {
        method: "usergroups.users.list",
        error: "missing_scope",
      }),
    ).toBe(1);
    expect(await directory.members("S0DBA")).toEqual(["U0CAROL"]);
    expect(
      await sample("phasegate_slack_api_errors_total", {
        method: "usergroups.users.list",
        error: "missing_scope",
      }),
    ).toBe(1);
  });
});
