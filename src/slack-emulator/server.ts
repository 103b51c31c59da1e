import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { blockProblems } from "./block-limits.js";

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

/** A POST to a response_url the fake handed out. */
export interface ResponseUrlPost {
  key: string;
  body: Json;
}

export interface SlackFakeOptions {
  /** The bot token the fake accepts (others get `invalid_auth`). */
  token?: string;
  /** Channels that exist; any channel exists when absent. */
  channels?: string[];
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
 * Retry-After on demand) and takes the POSTs made to the response_urls it hands out.
 */
export class SlackFake {
  readonly calls: SlackCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  private readonly messages: StoredMessage[] = [];
  private readonly usergroups = new Map<string, string[]>();
  private readonly faults = new Map<string, Fault[]>();
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

  /** A response_url whose POSTs land in `responses` under `key`. */
  responseUrl(key: string): string {
    return `${this.baseUrl}/respond/${encodeURIComponent(key)}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => send(res, 500, { ok: false, error: error.message }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
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
      this.responses.push({ key: decodeURIComponent(url.pathname.slice("/respond/".length)), body: args });
      send(res, 200, { ok: true });
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

  private channelMissing(channel: unknown): boolean {
    return (
      typeof channel !== "string" ||
      (this.options.channels ? !this.options.channels.includes(channel) : false)
    );
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
      case "usergroups.users.list": {
        const users = this.usergroups.get(String(args.usergroup));
        return users ? { ok: true, users } : { ok: false, error: "no_such_subteam" };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  private post(method: string, args: Json): Json {
    if (this.channelMissing(args.channel)) return { ok: false, error: "channel_not_found" };
    if (args.text === undefined && args.blocks === undefined) return { ok: false, error: "no_text" };
    const problems = blockProblems(args);
    if (problems.length > 0)
      return { ok: false, error: "invalid_blocks", response_metadata: { messages: problems } };
    const ts = this.nextTs();
    const channel = args.channel as string;
    if (method === "chat.postEphemeral") return { ok: true, message_ts: ts };
    const message: StoredMessage = {
      channel,
      ts,
      ...(typeof args.thread_ts === "string" ? { thread_ts: args.thread_ts } : {}),
      text: args.text as string | undefined,
      blocks: args.blocks as Json[] | undefined,
      versions: [args],
    };
    this.messages.push(message);
    return { ok: true, channel, ts, message: { type: "message", text: message.text, ts } };
  }

  private update(args: Json): Json {
    if (this.channelMissing(args.channel)) return { ok: false, error: "channel_not_found" };
    const message = this.message(args.channel as string, String(args.ts));
    if (!message) return { ok: false, error: "message_not_found" };
    const problems = blockProblems(args);
    if (problems.length > 0)
      return { ok: false, error: "invalid_blocks", response_metadata: { messages: problems } };
    if (args.text !== undefined) message.text = args.text as string;
    if (args.blocks !== undefined) message.blocks = args.blocks as Json[];
    message.versions.push(args);
    return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
  }
}
