/// <reference lib="dom" />
// The page's only DOM code: state from the server's event stream, drawn with the pure renderers beside it.
import { notice, post, readySession } from "./api.js";
import { channelHtml, threadHtml } from "./channel-view.js";
import { wireComposer } from "./composer.js";
import { askConfirm } from "./confirm-dialog.js";
import { type FleetView, fleetHtml } from "./fleet-panel.js";
import { commandHints } from "./hints.js";
import { escapeHtml } from "./html.js";
import { showModal } from "./modal-dialog.js";
import type { RenderContext } from "./render-context.js";
import type { ViewMessage } from "./view-message.js";

interface Session {
  people: Array<{ id: string; name: string; role: string }>;
  channels: Record<string, string>;
  groups: Record<string, string>;
  services: string[];
  story: boolean;
  transport: string;
}

const state = {
  user: "",
  channel: "",
  thread: null as string | null,
  messages: new Map<string, ViewMessage>(),
  context: { users: {}, channels: {}, groups: {} } as RenderContext,
  source: null as EventSource | null,
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let drawing = false;
function draw(): void {
  if (drawing) return;
  drawing = true;
  requestAnimationFrame(() => {
    drawing = false;
    const all = [...state.messages.values()];
    const list = $("messages");
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.innerHTML = channelHtml(all, state.channel, state.context);
    if (atBottom) list.scrollTop = list.scrollHeight;
    const pane = $("thread");
    pane.hidden = state.thread === null;
    if (state.thread)
      $("thread-messages").innerHTML = threadHtml(all, state.channel, state.thread, state.context);
    document.body.dataset.messages = String(all.length);
  });
}

function put(message: ViewMessage): void {
  state.messages.set(`${message.channel}:${message.ts}`, message);
  draw();
}

function connect(): void {
  state.source?.close();
  // Until the new user's snapshot is drawn, the page is not ready (tests and the bench wait for it).
  document.body.dataset.ready = "false";
  const source = new EventSource(`/api/events?user=${encodeURIComponent(state.user)}`);
  state.source = source;
  source.addEventListener("snapshot", (event) => {
    const data = JSON.parse((event as MessageEvent).data) as {
      messages: ViewMessage[];
      fleet: FleetView | null;
    };
    state.messages.clear();
    for (const message of data.messages) state.messages.set(`${message.channel}:${message.ts}`, message);
    if (data.fleet) $("fleet-body").innerHTML = fleetHtml(data.fleet);
    draw();
    requestAnimationFrame(() => {
      // The bench reads how long the first render took after navigation started.
      document.body.dataset.readyMs = String(Math.round(performance.now()));
      document.body.dataset.ready = "true";
    });
  });
  source.addEventListener("message", (event) => put(JSON.parse((event as MessageEvent).data) as ViewMessage));
  source.addEventListener("deleted", (event) => {
    const { channel, ts } = JSON.parse((event as MessageEvent).data) as { channel: string; ts: string };
    state.messages.delete(`${channel}:${ts}`);
    draw();
  });
  source.addEventListener("view", (event) => {
    const { id, view } = JSON.parse((event as MessageEvent).data) as {
      id: string;
      view: Record<string, unknown>;
    };
    showModal(state.user, id, view, state.context);
  });
  source.addEventListener("fleet", (event) => {
    $("fleet-body").innerHTML = fleetHtml(JSON.parse((event as MessageEvent).data) as FleetView);
  });
}

async function click(button: HTMLElement): Promise<void> {
  const { messageTs, blockIndex, actionId } = button.dataset;
  const answer = await post("/api/click", {
    user: state.user,
    channel: state.channel,
    messageTs,
    blockIndex: Number(blockIndex),
    actionId,
  });
  if (!answer.ok) notice(String(answer.data.error));
}

function onDocumentClick(event: MouseEvent): void {
  const target = event.target as HTMLElement;
  const button = target.closest<HTMLElement>(".block-button[data-action-id]");
  if (button) {
    const confirm = button.dataset.confirm
      ? (JSON.parse(button.dataset.confirm) as Record<string, unknown>)
      : null;
    if (!confirm) void click(button);
    else
      void askConfirm(confirm, state.context).then(async (confirmed) => {
        if (confirmed) await click(button);
      });
    return;
  }
  const replies = target.closest<HTMLElement>(".replies");
  if (replies) {
    state.thread = replies.dataset.thread ?? null;
    draw();
  }
}

function wireStory(session: Session): void {
  $("fleet").hidden = !session.story;
  for (const [id, path] of [
    ["story-reset", "/api/story/reset"],
    ["story-naive", "/api/story/naive"],
    ["story-lock", "/api/story/lock"],
    ["story-break-v3", "/api/story/break-v3"],
    ["story-break", "/api/story/break-deploy"],
  ] as const)
    $(id).addEventListener("click", async () => {
      const answer = await post(path, {});
      notice(answer.ok ? String(answer.data.broken ?? "") : String(answer.data.error));
      if (id === "story-lock" && answer.ok)
        $(id).textContent = answer.data.held ? "Release the lock" : "Hold a lock on catalog_product";
    });
}

async function boot(): Promise<void> {
  const session = await readySession<Session>();
  state.context = {
    users: Object.fromEntries(session.people.map((p) => [p.id, p.name])),
    channels: session.channels,
    groups: session.groups,
  };
  state.user = session.people[0]?.id ?? "";
  state.channel = Object.keys(session.channels)[0] ?? "";
  const users = $<HTMLSelectElement>("user");
  users.innerHTML = session.people
    .map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(p.name)} — ${escapeHtml(p.role)}</option>`)
    .join("");
  users.addEventListener("change", () => {
    state.user = users.value;
    connect();
  });
  const channels = $<HTMLSelectElement>("channel");
  channels.innerHTML = Object.entries(session.channels)
    .map(([id, name]) => `<option value="${escapeHtml(id)}">#${escapeHtml(name)}</option>`)
    .join("");
  channels.addEventListener("change", () => {
    state.channel = channels.value;
    state.thread = null;
    draw();
  });
  $("transport").textContent = session.transport === "socket-mode" ? "Socket Mode" : "signed HTTP";
  $("thread-close").addEventListener("click", () => {
    state.thread = null;
    draw();
  });
  document.addEventListener("click", onDocumentClick);
  wireComposer(commandHints(session.services, session.story), async (text) => {
    notice("");
    const answer = await post("/api/command", { user: state.user, channel: state.channel, text });
    if (!answer.ok) notice(String(answer.data.error));
    return answer.ok;
  });
  wireStory(session);
  connect();
}

void boot();
