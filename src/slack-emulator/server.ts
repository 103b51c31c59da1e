import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { messageError } from "./block-limits.js";
import { SocketModeEndpoint } from "./socket-mode.js";
import { type OpenedView, viewProblems } from "./views.js";

type Json = Record<string, unknown>;

/** One Web API call as the fake received it, with what it answered. */
export interface SlackCall {
  method: string;
  args: Json;
  answer: Json;
}

/** A message as it stands in the fake's channel history (after any chat.update). */
export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: Json[];
  /** Each version of the message, first post first. */
  versions: Json[];
  /** Wall-clock time of the first post, epoch milliseconds (the ts runs on the fake's own clock). */
  postedAt?: number;
  /** A thread reply also shown in the channel (`reply_broadcast`). */
  broadcast?: boolean;
}

/** What the next call of a method gets instead of its answer. */
interface Fault {
  error: string;
  retryAfter?: number;
  /** Answer with this HTTP status (a 500 from Slack's side). */
  status?: number;
  /** Never answer. */
  hang?: boolean;
  /** Only calls whose arguments match get this fault; any call when absent. */
  match?: (args: Json) => boolean;
}

/** A message only one user sees (chat.postEphemeral, an ack's text, a response_url answer). */
export interface EphemeralMessage {
  channel: string;
  user: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: Json[];
  postedAt: number;
}

/** Who a response_url answers, as Slack knows from the request it handed the URL out with. */
export interface ResponseContext {
  channel: string;
  user: string;
  /** The message holding the clicked element: `replace_original` / `delete_original` act on it. */
  messageTs?: string;
}

/**
 * What changed in a channel: a message posted, edited or deleted, an ephemeral shown to one user, or a modal opened
 * in front of the user whose click or command it answers.
 */
export type ChannelChange =
  | { kind: "posted" | "updated" | "deleted"; message: StoredMessage }
  | { kind: "ephemeral"; ephemeral: EphemeralMessage }
  | { kind: "view-opened"; view: OpenedView };

/** A POST to a response_url the fake handed out; `error` when the fake refused it as Slack would. */
export interface ResponseUrlPost {
  key: string;
  body: Json;
  error?: string;
}

/** Slack takes at most five answers through one response_url. */
const RESPONSE_URL_USES = 5;

/** A trigger_id opens a modal only within 3 seconds of the action that handed it out. */
const TRIGGER_TTL_MS = 3000;

export interface SlackFakeOptions {
  /** The bot token the fake accepts (others get `invalid_auth`). */
  token?: string;
  /** Channels that exist; any channel exists when absent. */
  channels?: string[];
  /** The app-level token (xapp-…) `apps.connections.open` accepts; Socket Mode is off without it. */
  appToken?: string;
}

/** Web API form bodies carry nested arguments (blocks, attachments) as JSON strings. */
function decodeForm(body: string): Json {
  const args: Json = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const looksJson = value.startsWith("[") || value.startsWith("{");
    try {
      args[key] = looksJson ? JSON.parse(value) : value;
    } catch {
      args[key] = value;
    }
  }
  return args;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

/**
 * A Slack Web API on loopback for the production WebClient (`slackApiUrl: fake.apiUrl`): records every call,
 * keeps channel histories, answers like Slack (`ts`, `channel_not_found`, `invalid_blocks`, `ratelimited` with
 * Retry-After on demand) and takes the POSTs made to the response_urls it hands out. What the workspace's users do
 * to it (a message deleted, a channel archived or deleted, the bot removed) gets Slack's errors from then on.
 */
export class SlackFake {
  readonly calls: SlackCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  /** Direct message channels opened with conversations.open, by user. */
  private readonly directChannels = new Map<string, string>();
  /** Modals opened with views.open, oldest first. */
  readonly views: OpenedView[] = [];
  private readonly messages: StoredMessage[] = [];
  private readonly ephemeralMessages: EphemeralMessage[] = [];
  private readonly listeners = new Set<(change: ChannelChange) => void>();
  private readonly responseContexts = new Map<string, ResponseContext>();
  /** trigger_ids handed out with a user's action: whose action, and when. */
  private readonly triggers = new Map<string, { user: string; at: number }>();
  /** Socket Mode connections of the app (`apps.connections.open`, then a WebSocket on the same port). */
  readonly socketMode = new SocketModeEndpoint("A0PHASEGATE");
  private readonly usergroups = new Map<string, string[]>();
  private readonly faults = new Map<string, Fault[]>();
  /** Channels a user archived, deleted, or removed the bot from (the bot user is U0BOT). */
  private readonly archived = new Set<string>();
  private readonly deletedChannels = new Set<string>();
  private readonly botRemoved = new Set<string>();
  /** Requests a hang fault never answered; ended when the fake stops. */
  private readonly hung = new Set<ServerResponse>();
  private server: Server | null = null;
  private clock = 1_800_000_000;
  private counter = 0;
  private baseUrl = "";

  constructor(private readonly options: SlackFakeOptions = {}) {}

  /** The `slackApiUrl` for WebClient (ends with a slash, as WebClient expects). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /**
   * A response_url whose POSTs land in `responses` under `key`. With a context, Slack's answer also takes effect:
   * an ephemeral message to the user, a new message in the channel, or the clicked message replaced or deleted.
   */
  responseUrl(key: string, context?: ResponseContext): string {
    if (context) this.responseContexts.set(key, context);
    return `${this.baseUrl}/respond/${encodeURIComponent(key)}`;
  }

  /** Calls `listener` on every change to any channel; returns the function that stops it. */
  onChange(listener: (change: ChannelChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Messages only `user` sees in `channel`, oldest first. */
  ephemerals(channel: string, user: string): EphemeralMessage[] {
    return this.ephemeralMessages.filter((m) => m.channel === channel && m.user === user);
  }

  /** Shows a message to one user only, as Slack does with an ack's text or chat.postEphemeral. */
  addEphemeral(message: Omit<EphemeralMessage, "ts" | "postedAt">): EphemeralMessage {
    const ephemeral = { ...message, ts: this.nextTs(), postedAt: Date.now() };
    this.ephemeralMessages.push(ephemeral);
    this.emit({ kind: "ephemeral", ephemeral });
    return ephemeral;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => send(res, 500, { ok: false, error: error.message }));
    });
    this.server.on("upgrade", (req, socket, head) => this.socketMode.upgrade(req, socket, head));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    this.socketMode.close();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      // A client's kept-alive connection (the bot's Web API client) would hold the close for seconds.
      this.server.closeAllConnections();
    });
  }

  setUsergroup(id: string, users: string[]): void {
    this.usergroups.set(id, users);
  }

  /** The next `times` calls of `method` answer `ratelimited` (HTTP 429, Retry-After: retryAfter seconds). */
  rateLimitNext(method: string, retryAfter: number, times = 1): void {
    this.queueFault(method, { error: "ratelimited", retryAfter }, times);
  }

  /** The next `times` calls of `method` answer `{ ok: false, error }`. */
  failNext(method: string, error: string, times = 1): void {
    this.queueFault(method, { error }, times);
  }

  /** The next call of `method` whose arguments match answers `{ ok: false, error }`; other calls go through. */
  failNextMatching(method: string, error: string, match: (args: Json) => boolean): void {
    this.queueFault(method, { error, match }, 1);
  }

  /**
   * A user deletes a message (as its author or an admin may): later `chat.update`s of it answer
   * `message_not_found`; its thread replies stay. False when there is no such message.
   */
  deleteMessage(channel: string, ts: string): boolean {
    const message = this.message(channel, ts);
    if (!message) return false;
    this.messages.splice(this.messages.indexOf(message), 1);
    this.emit({ kind: "deleted", message });
    return true;
  }

  /** A user archives a channel: posts and updates there answer `is_archived`. */
  archiveChannel(channel: string): void {
    this.archived.add(channel);
  }

  /** An admin deletes a channel: calls naming it answer `channel_not_found`. */
  deleteChannel(channel: string): void {
    this.deletedChannels.add(channel);
  }

  /** A user removes the bot from a channel (`/remove @phasegate`): posts and updates there answer `not_in_channel`. */
  removeBot(channel: string): void {
    this.botRemoved.add(channel);
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages posted to a channel (thread replies included), oldest first. */
  history(channel: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  replies(channel: string, threadTs: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.thread_ts === threadTs);
  }

  /** Resolves once `check` returns a value (polling the recorded state); rejects after `timeoutMs`. */
  async waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error("slack fake: condition not met in time");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The next `times` calls of `method` answer HTTP `status` (Slack having a bad moment). */
  httpErrorNext(method: string, status: number, times = 1): void {
    this.queueFault(method, { error: `http_${status}`, status }, times);
  }

  /** The next `times` calls of `method` are never answered (a hung connection). */
  hangNext(method: string, times = 1): void {
    this.queueFault(method, { error: "hung", hang: true }, times);
  }

  /** The next call of `method` whose arguments match is never answered; other calls go through. */
  hangNextMatching(method: string, match: (args: Json) => boolean): void {
    this.queueFault(method, { error: "hung", hang: true, match }, 1);
  }

  private takeFault(method: string, args: Json): Fault | undefined {
    const queued = this.faults.get(method) ?? [];
    const index = queued.findIndex((f) => !f.match || f.match(args));
    return index < 0 ? undefined : queued.splice(index, 1)[0];
  }

  private queueFault(method: string, fault: Fault, times: number): void {
    const queued = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) queued.push(fault);
    this.faults.set(method, queued);
  }

  private nextTs(): string {
    this.counter += 1;
    return `${this.clock + Math.floor(this.counter / 1000)}.${String(this.counter % 1000).padStart(6, "0")}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const body = await readBody(req);
    const json = (req.headers["content-type"] ?? "").includes("application/json");
    const args = json ? (JSON.parse(body || "{}") as Json) : decodeForm(body);
    if (url.pathname.startsWith("/respond/")) {
      const key = decodeURIComponent(url.pathname.slice("/respond/".length));
      // Slack takes a few answers per URL, each held to the limits of a message.
      const used = this.responses.filter((r) => r.key === key && !r.error).length;
      const context = this.responseContexts.get(key);
      const answer =
        used >= RESPONSE_URL_USES
          ? { ok: false, error: "used_url" }
          : context
            ? this.respond(context, args)
            : (this.refusal(args) ?? { ok: true });
      this.responses.push({ key, body: args, ...(answer.ok ? {} : { error: String(answer.error) }) });
      send(res, answer.ok ? 200 : 400, answer);
      return;
    }
    if (!url.pathname.startsWith("/api/")) {
      send(res, 404, { ok: false, error: "unknown_url" });
      return;
    }
    const method = url.pathname.slice("/api/".length);
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "") || (args.token as string) || "";
    const fault = this.takeFault(method, args);
    const answer = fault
      ? { ok: false, error: fault.error }
      : method === "apps.connections.open"
        ? this.connectionsOpen(token)
        : this.options.token !== undefined && token !== this.options.token
          ? { ok: false, error: "invalid_auth" }
          : this.answer(method, args);
    this.calls.push({ method, args, answer });
    if (fault?.hang) {
      this.hung.add(res);
      return;
    }
    if (fault?.status !== undefined) {
      send(res, fault.status, answer);
      return;
    }
    if (fault?.retryAfter !== undefined) {
      send(res, 429, answer, { "retry-after": String(fault.retryAfter) });
      return;
    }
    send(res, 200, answer);
  }

  private emit(change: ChannelChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private connectionsOpen(token: string): Json {
    if (!token.startsWith("xapp-")) return { ok: false, error: "not_allowed_token_type" };
    if (this.options.appToken === undefined || token !== this.options.appToken)
      return { ok: false, error: "invalid_auth" };
    return { ok: true, url: this.socketMode.open(this.baseUrl) };
  }

  /** Slack's refusal of a message's blocks, or null when it takes them. */
  private refusal(args: Json): Json | null {
    const problem = messageError(args);
    return problem
      ? { ok: false, error: problem.error, response_metadata: { messages: problem.messages } }
      : null;
  }

  /** What Slack does with a POST to a response_url it handed out with a context. */
  private respond(context: ResponseContext, args: Json): Json {
    const refused = this.refusal(args);
    if (refused) return refused;
    const original = context.messageTs ? this.message(context.channel, context.messageTs) : undefined;
    const ephemeral = this.ephemeralMessages.find(
      (m) => m.ts === context.messageTs && m.channel === context.channel,
    );
    if (args.delete_original === true || args.delete_original === "true") {
      if (original) this.deleteMessage(original.channel, original.ts);
      return { ok: true };
    }
    if (args.replace_original === true || args.replace_original === "true") {
      if (ephemeral) {
        Object.assign(ephemeral, { text: args.text, blocks: args.blocks });
        this.emit({ kind: "ephemeral", ephemeral });
        return { ok: true };
      }
      if (original) {
        original.text = args.text as string | undefined;
        original.blocks = args.blocks as Json[] | undefined;
        original.versions.push(args);
        this.emit({ kind: "updated", message: original });
        return { ok: true };
      }
    }
    if (args.response_type === "in_channel")
      return this.post("chat.postMessage", { ...args, channel: context.channel });
    this.addEphemeral({
      channel: context.channel,
      user: context.user,
      ...(typeof args.text === "string" ? { text: args.text } : {}),
      ...(Array.isArray(args.blocks) ? { blocks: args.blocks as Json[] } : {}),
    });
    return { ok: true };
  }

  private channelMissing(channel: unknown): boolean {
    if (typeof channel !== "string" || this.deletedChannels.has(channel)) return true;
    if ([...this.directChannels.values()].includes(channel)) return false;
    return this.options.channels ? !this.options.channels.includes(channel) : false;
  }

  /** Why the bot cannot post or edit in a channel, in Slack's words; null when it can. */
  private channelRefusal(channel: unknown): Json | null {
    if (this.channelMissing(channel)) return { ok: false, error: "channel_not_found" };
    if (this.archived.has(channel as string)) return { ok: false, error: "is_archived" };
    if (this.botRemoved.has(channel as string)) return { ok: false, error: "not_in_channel" };
    return null;
  }

  private answer(method: string, args: Json): Json {
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://fake.slack.com/",
          team: "fake",
          user: "phasegate",
          team_id: "T0FAKE",
          user_id: "U0BOT",
          bot_id: "B0BOT",
        };
      case "chat.postMessage":
      case "chat.postEphemeral":
        return this.post(method, args);
      case "chat.update":
        return this.update(args);
      case "views.open":
        return this.openView(args);
      case "conversations.open":
        return this.openDirect(args);
      case "usergroups.users.list": {
        const users = this.usergroups.get(String(args.usergroup));
        return users ? { ok: true, users } : { ok: false, error: "no_such_subteam" };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  private post(method: string, args: Json): Json {
    const closed = this.channelRefusal(args.channel);
    if (closed) return closed;
    if (args.text === undefined && args.blocks === undefined) return { ok: false, error: "no_text" };
    const refused = this.refusal(args);
    if (refused) return refused;
    const channel = args.channel as string;
    if (method === "chat.postEphemeral") {
      const ephemeral = this.addEphemeral({
        channel,
        user: String(args.user),
        ...(typeof args.thread_ts === "string" ? { thread_ts: args.thread_ts } : {}),
        text: args.text as string | undefined,
        blocks: args.blocks as Json[] | undefined,
      });
      return { ok: true, message_ts: ephemeral.ts };
    }
    const ts = this.nextTs();
    const message: StoredMessage = {
      channel,
      ts,
      ...(typeof args.thread_ts === "string" ? { thread_ts: args.thread_ts } : {}),
      text: args.text as string | undefined,
      blocks: args.blocks as Json[] | undefined,
      versions: [args],
      postedAt: Date.now(),
      ...(args.reply_broadcast === true || args.reply_broadcast === "true" ? { broadcast: true } : {}),
    };
    this.messages.push(message);
    this.emit({ kind: "posted", message });
    return { ok: true, channel, ts, message: { type: "message", text: message.text, ts } };
  }

  /** The direct message channel with one user (`D` + the user id), which posts may then use. */
  directChannel(user: string): string | undefined {
    return this.directChannels.get(user);
  }

  private openDirect(args: Json): Json {
    const users = typeof args.users === "string" ? args.users.split(",").filter(Boolean) : [];
    if (users.length !== 1)
      return { ok: false, error: users.length === 0 ? "users_list_not_supplied" : "not_implemented" };
    const [user = ""] = users;
    const id = `D${user.slice(1)}`;
    this.directChannels.set(user, id);
    return { ok: true, channel: { id } };
  }

  /** A fresh trigger_id for an action of `user` (a click, a command), as Slack sends with it. */
  issueTrigger(user: string): string {
    const id = `${Date.now()}.${this.triggers.size + 1}.${user}`;
    this.triggers.set(id, { user, at: Date.now() });
    return id;
  }

  /** A modal is dismissed (submitted and accepted, or closed by its user). */
  closeView(id: string): void {
    const view = this.views.find((v) => v.id === id);
    if (view) view.closed = true;
  }

  private openView(args: Json): Json {
    if (typeof args.trigger_id !== "string" || args.trigger_id === "")
      return { ok: false, error: "invalid_trigger_id" };
    const trigger = this.triggers.get(args.trigger_id);
    if (trigger && Date.now() - trigger.at > TRIGGER_TTL_MS)
      return { ok: false, error: "expired_trigger_id" };
    const problems = viewProblems(args.view);
    if (problems.length > 0)
      return { ok: false, error: "invalid_arguments", response_metadata: { messages: problems } };
    const opened: OpenedView = {
      id: `V${this.views.length + 1}`,
      triggerId: args.trigger_id,
      user: trigger?.user ?? null,
      view: args.view as Json,
      closed: false,
    };
    this.views.push(opened);
    this.emit({ kind: "view-opened", view: opened });
    return { ok: true, view: { id: opened.id, ...opened.view } };
  }

  private update(args: Json): Json {
    const closed = this.channelRefusal(args.channel);
    if (closed) return closed;
    const message = this.message(args.channel as string, String(args.ts));
    if (!message) return { ok: false, error: "message_not_found" };
    const refused = this.refusal(args);
    if (refused) return refused;
    if (args.text !== undefined) message.text = args.text as string;
    if (args.blocks !== undefined) message.blocks = args.blocks as Json[];
    message.versions.push(args);
    this.emit({ kind: "updated", message });
    return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
  }
}
