import { describe, expect, it } from "vitest";
import { modalHtml } from "../../../src/sandbox/page/modal.js";
import type { RenderContext } from "../../../src/sandbox/page/render-context.js";
import { rejectModal } from "../../../src/slack/blocks/reject-modal.js";

const context: RenderContext = { users: {}, channels: {}, groups: {} };

describe("the sandbox page's modal", () => {
  it("draws the Reject modal with its reason field, its limits and its buttons", () => {
    const view = rejectModal(
      { runId: "shop-1-1", gate: "contract", token: "t" },
      { channel: "C0SHOP", ts: "1.1" },
    );
    const html = modalHtml(view, context);
    expect(html).toContain("Reject the gate");
    expect(html).toMatch(
      /<textarea class="modal-input" data-block-id="reason" data-action-id="reason" minlength="1" maxlength="500" required/,
    );
    expect(html).toContain('data-error-for="reason"');
    expect(html).toMatch(/<button type="submit"[^>]*>Reject<\/button>/);
    expect(html).toMatch(/modal-close[^>]*>Cancel<\/button>/);
    expect(html).not.toContain("unrendered");
  });

  it("escapes what the app sends and shows an input it cannot draw as JSON", () => {
    const html = modalHtml(
      {
        type: "modal",
        title: { type: "plain_text", text: "<script>x</script>" },
        blocks: [
          {
            type: "input",
            block_id: 'a"b',
            label: { type: "plain_text", text: "When" },
            element: { type: "datepicker", action_id: "d" },
          },
        ],
      },
      context,
    );
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain('class="unrendered"');
    expect(html).not.toContain('type="submit"');
  });
});
