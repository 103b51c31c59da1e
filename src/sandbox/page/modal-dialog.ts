/// <reference lib="dom" />
import { post } from "./api.js";
import { modalHtml } from "./modal.js";
import type { RenderContext } from "./render-context.js";

const dialog = () => document.getElementById("modal") as HTMLDialogElement;

function valuesOf(form: HTMLElement): Record<string, Record<string, string>> {
  const values: Record<string, Record<string, string>> = {};
  for (const field of Array.from(
    form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(".modal-input"),
  )) {
    const { blockId = "", actionId = "" } = field.dataset;
    values[blockId] = { ...values[blockId], [actionId]: field.value };
  }
  return values;
}

function showErrors(form: HTMLElement, errors: Record<string, string>): void {
  for (const slot of Array.from(form.querySelectorAll<HTMLElement>(".modal-error"))) {
    const error = errors[slot.dataset.errorFor ?? ""];
    slot.textContent = error ?? "";
    slot.hidden = error === undefined;
  }
}

/**
 * Shows a modal the app opened for `user` (views.open): submitting sends the typed values as Slack's
 * view_submission; the app's errors show under their inputs and keep it open; Cancel closes it.
 */
export function showModal(
  user: string,
  id: string,
  view: Record<string, unknown>,
  context: RenderContext,
): void {
  const modal = dialog();
  const form = modal.querySelector("form") as HTMLFormElement;
  form.innerHTML = modalHtml(view, context);
  modal.dataset.viewId = id;
  const close = () => {
    modal.close();
    void post("/api/view/close", { user, viewId: id });
  };
  (form.querySelector(".modal-close") as HTMLElement).onclick = close;
  modal.oncancel = (event) => {
    event.preventDefault();
    close();
  };
  form.onsubmit = async (event) => {
    event.preventDefault();
    const answer = await post("/api/view", { user, viewId: id, values: valuesOf(form) });
    const errors = answer.data.errors as Record<string, string> | null | undefined;
    if (answer.ok && answer.data.acked && !errors) return modal.close();
    const problem = answer.ok
      ? `the app did not answer (${String(answer.data.error)})`
      : String(answer.data.error);
    const first = form.querySelector<HTMLElement>(".modal-error");
    showErrors(form, errors ?? { [first?.dataset.errorFor ?? ""]: problem });
  };
  if (!modal.open) modal.showModal();
}
