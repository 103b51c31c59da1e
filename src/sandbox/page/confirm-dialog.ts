/// <reference lib="dom" />
import { renderText } from "./blocks.js";
import type { RenderContext } from "./render-context.js";

const element = (id: string) => document.getElementById(id) as HTMLElement;

/** A button's confirm object as Slack shows it: a modal dialog; resolves true when confirmed. */
export function askConfirm(confirm: Record<string, unknown>, context: RenderContext): Promise<boolean> {
  const dialog = element("confirm") as HTMLDialogElement;
  const yes = element("confirm-yes");
  const no = element("confirm-no");
  element("confirm-title").innerHTML = renderText(confirm.title, context);
  element("confirm-text").innerHTML = renderText(confirm.text, context);
  yes.innerHTML = renderText(confirm.confirm ?? { type: "plain_text", text: "Yes" }, context);
  yes.className = `block-button ${confirm.style === "danger" ? "danger" : "primary"}`;
  no.innerHTML = renderText(confirm.deny ?? { type: "plain_text", text: "Cancel" }, context);
  dialog.showModal();
  return new Promise((resolve) => {
    const answer = (confirmed: boolean) => () => {
      yes.onclick = null;
      no.onclick = null;
      dialog.onclose = null;
      dialog.close();
      resolve(confirmed);
    };
    yes.onclick = answer(true);
    no.onclick = answer(false);
    dialog.onclose = answer(false);
  });
}
