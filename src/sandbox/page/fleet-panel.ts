import { escapeHtml } from "./html.js";

/** The server's FleetPanel, as JSON. */
export interface FleetView {
  activity: string | null;
  slots: Array<{ slot: number; version: string | null; requests: number; errors: number }>;
  chapters: Array<{
    label: string;
    requests: number;
    errors: number;
    firstError: string | null;
    live: boolean;
  }>;
}

const count = (n: number) => n.toLocaleString("en-US");

/** The side panel: each replica's code version with its requests and errors, and each chapter's totals. */
export function fleetHtml(fleet: FleetView): string {
  const slots = fleet.slots
    .map(
      (s) =>
        `<tr data-slot="${s.slot}"><td>${s.slot + 1}</td><td class="version">${escapeHtml(s.version ?? "replacing…")}</td><td>${count(s.requests)}</td><td class="${s.errors > 0 ? "bad" : "good"}">${count(s.errors)}</td></tr>`,
    )
    .join("");
  const chapters = fleet.chapters
    .map(
      (c) =>
        `<li class="chapter" data-chapter="${escapeHtml(c.label)}" data-errors="${c.errors}" data-live="${c.live}"><b>${escapeHtml(c.label)}</b>${c.live ? " (now)" : ""}: ${count(c.requests)} requests, <span class="${c.errors > 0 ? "bad" : "good"}">${count(c.errors)} errors</span>${c.firstError ? `<div class="first-error">first: ${escapeHtml(c.firstError)}</div>` : ""}</li>`,
    )
    .join("");
  return `<table class="slots"><thead><tr><th>replica</th><th>code</th><th>requests</th><th>errors</th></tr></thead><tbody>${slots}</tbody></table>
<ol class="chapters">${chapters}</ol>${fleet.activity ? `<p class="activity">${escapeHtml(fleet.activity)}</p>` : ""}`;
}
