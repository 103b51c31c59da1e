/// <reference lib="dom" />
import { matchingHints } from "./hints.js";
import { escapeHtml } from "./html.js";

/** The message box: `/migrate` hints as you type (a click fills them in), and `send` on Enter. */
export function wireComposer(hints: string[], send: (text: string) => Promise<boolean>): void {
  const input = document.getElementById("composer-input") as HTMLInputElement;
  const list = document.getElementById("hints") as HTMLElement;
  const showHints = () => {
    list.innerHTML = matchingHints(hints, input.value)
      .map(
        (h) =>
          `<li><button type="button" class="hint" data-hint="${escapeHtml(h)}">${escapeHtml(h)}</button></li>`,
      )
      .join("");
  };
  input.addEventListener("input", showHints);
  input.addEventListener("focus", showHints);
  list.addEventListener("click", (event) => {
    const hint = (event.target as HTMLElement).closest<HTMLElement>(".hint");
    if (!hint) return;
    input.value = hint.dataset.hint ?? "";
    input.focus();
    showHints();
  });
  document.getElementById("composer")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !(await send(text))) return;
    input.value = "";
    list.innerHTML = "";
  });
}
