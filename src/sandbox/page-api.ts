import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { issueLines } from "../domain/issues/issue-lines.js";
import { BODY_TIMEOUT_MS, readBounded } from "../net/http/bounded-body.js";
import type { Logger } from "../ports/logger.js";
import type { SlackFake, SlackWorkspace } from "../slack-emulator/index.js";
import type { PageFeed } from "./page-feed.js";
import type { Directory } from "./people.js";
import { SandboxError } from "./sandbox-error.js";
import type { Story } from "./story.js";

/** What the page's requests act on, once the sandbox has started. */
export interface PageContext {
  directory: Directory;
  fake: SlackFake;
  workspace: SlackWorkspace;
  feed: PageFeed;
  story: Story | null;
  /** The id of a run not finished yet, if any (a reset would pull the fleet from under it). */
  activeRun(): Promise<string | null>;
  transport: "http" | "socket-mode";
  services: string[];
  logger: Logger;
}

/** Slash commands this app's manifest declares; Slack itself answers any other. */
const APP_COMMANDS = ["/migrate"];
const MAX_BODY = 64 * 1024;

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(JSON.stringify(body));
}

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

async function jsonBody(request: IncomingMessage): Promise<unknown> {
  const read = await readBounded(request, MAX_BODY, BODY_TIMEOUT_MS);
  if (!read.ok) throw new BadRequest(read.detail, read.status);
  try {
    return JSON.parse(read.body.toString("utf8") || "null");
  } catch {
    throw new BadRequest("the body is not JSON");
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequest(issueLines(parsed.error.issues, "body").join("; "));
  return parsed.data;
}

function schemas(directory: Directory) {
  const user = z
    .string()
    .refine((id) => directory.people.some((p) => p.id === id), "no such user in the sandbox");
  const channel = z.string().refine((id) => id in directory.channels, "no such channel in the sandbox");
  return {
    command: z.strictObject({ user, channel, text: z.string().trim().min(1, "type a command").max(4000) }),
    click: z.strictObject({
      user,
      channel,
      messageTs: z.string().regex(/^\d+\.\d+$/, "a message ts looks like 1800000000.000001"),
      blockIndex: z.number().int().min(0).max(49),
      actionId: z.string().min(1).max(255),
    }),
    events: z.strictObject({ user }),
    view: z.strictObject({
      user,
      viewId: z.string().regex(/^V\d+$/, "a view id looks like V12"),
      values: z.record(
        z.string().max(255),
        z.record(z.string().max(255), z.string().max(3000, "an input holds at most 3000 characters")),
      ),
    }),
    closeView: z.strictObject({ user, viewId: z.string().regex(/^V\d+$/, "a view id looks like V12") }),
  };
}

async function command(context: PageContext, body: unknown) {
  const { user, channel, text } = parse(schemas(context.directory).command, body);
  const name = text.split(/\s+/, 1)[0] ?? "";
  if (!name.startsWith("/"))
    throw new BadRequest("the sandbox sends slash commands to phasegate: type /migrate help to begin");
  if (!APP_COMMANDS.includes(name)) {
    context.fake.addEphemeral({
      channel,
      user,
      text: `\`${name}\` is not a valid command. Try \`/migrate help\`.`,
    });
    return { acked: false, error: "not_a_command" };
  }
  const outcome = await context.workspace.command(user, channel, text.slice(name.length).trim(), name);
  return { acked: outcome.acked, error: outcome.error };
}

async function click(context: PageContext, body: unknown) {
  const ref = parse(schemas(context.directory).click, body);
  const outcome = await context.workspace.click(ref);
  if (!outcome) throw new BadRequest("that message has no such button (it may have been replaced)", 404);
  return { acked: outcome.acked, error: outcome.error };
}

async function submitView(context: PageContext, body: unknown) {
  const { user, viewId, values } = parse(schemas(context.directory).view, body);
  const outcome = await context.workspace.submitView(user, viewId, values);
  if (!outcome) throw new BadRequest("that modal is not open for you (it was submitted or closed)", 404);
  return outcome;
}

function closeView(context: PageContext, body: unknown) {
  const { user, viewId } = parse(schemas(context.directory).closeView, body);
  const opened = context.fake.views.find((v) => v.id === viewId && v.user === user);
  if (!opened) throw new BadRequest("that modal was not opened for you", 404);
  context.fake.closeView(viewId);
  return { closed: viewId };
}

async function storyAction(context: PageContext, action: "reset" | "naive") {
  const story = context.story;
  if (!story) throw new BadRequest("this sandbox runs your services file: there is no built-in story", 404);
  const busy = story.busyWith;
  if (busy) throw new BadRequest(`the story is busy (${busy}); try again when it is done`, 409);
  const active = await context.activeRun();
  if (active)
    throw new BadRequest(
      `run ${active} is not finished: let it end or \`/migrate cancel ${active}\` first`,
      409,
    );
  // The work takes seconds (Django processes, the database): answered at once, followed in the fleet panel.
  const work = action === "reset" ? story.reset() : story.naive();
  work.catch((error: Error) => context.logger.error({ err: error, action }, "story action failed"));
  setTimeout(() => void context.feed.sendFleet(), 100);
  return { started: action };
}

/** The "hold a lock" button: a session idle in transaction on the shop's table, started or ended. */
async function lockAction(context: PageContext) {
  const story = context.story;
  if (!story) throw new BadRequest("this sandbox runs your services file: there is no built-in story", 404);
  const held = await story.toggleLock();
  setTimeout(() => void context.feed.sendFleet(), 100);
  return { held };
}

/** "Break v3": allowed any time, a run may be waiting on v3's analysis. */
async function breakV3(context: PageContext) {
  const story = context.story;
  if (!story) throw new BadRequest("this sandbox runs your services file: there is no built-in story", 404);
  await story.breakV3();
  await context.feed.sendFleet();
  return { broken: "v3" };
}

/** The failing path: the next deploy fails, so the failed card's Retry (and Roll back) can be tried. */
function breakDeploy(context: PageContext) {
  if (!context.story)
    throw new BadRequest("this sandbox runs your services file: there is no built-in story", 404);
  context.story.breakNextDeploy();
  return { broken: "the next deploy fails; start a release, then Retry from its card" };
}

function session(context: PageContext) {
  const { directory } = context;
  return {
    people: directory.people,
    channels: directory.channels,
    groups: Object.fromEntries(Object.keys(directory.groups).map((id) => [id, id.toLowerCase()])),
    services: context.services,
    story: context.story !== null,
    transport: context.transport,
  };
}

/** The page's API under /api/: every body checked with zod, every refusal a JSON `{ error }` with its reason. */
export async function handleApi(
  context: PageContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  try {
    const route = `${request.method} ${url.pathname}`;
    if (route === "GET /api/session") return send(response, 200, session(context));
    if (route === "GET /api/events") {
      const { user } = parse(schemas(context.directory).events, Object.fromEntries(url.searchParams));
      return await context.feed.open(user, response);
    }
    if (route === "POST /api/command")
      return send(response, 200, await command(context, await jsonBody(request)));
    if (route === "POST /api/click")
      return send(response, 200, await click(context, await jsonBody(request)));
    if (route === "POST /api/view")
      return send(response, 200, await submitView(context, await jsonBody(request)));
    if (route === "POST /api/view/close")
      return send(response, 200, closeView(context, await jsonBody(request)));
    if (route === "POST /api/story/reset") return send(response, 202, await storyAction(context, "reset"));
    if (route === "POST /api/story/naive") return send(response, 202, await storyAction(context, "naive"));
    if (route === "POST /api/story/lock") return send(response, 200, await lockAction(context));
    if (route === "POST /api/story/break-v3") return send(response, 200, await breakV3(context));
    if (route === "POST /api/story/break-deploy") return send(response, 200, breakDeploy(context));
    send(response, 404, { error: `no route ${route}` });
  } catch (error) {
    if (error instanceof BadRequest) return send(response, error.status, { error: error.message });
    if (error instanceof SandboxError) return send(response, 409, { error: error.message });
    context.logger.error({ err: error, url: url.pathname }, "sandbox page request failed");
    send(response, 500, { error: (error as Error).message });
  }
}
