import { describe, expect, it } from "vitest";
import { renderBlock } from "../../../src/sandbox/page/blocks.js";
import { renderMrkdwn } from "../../../src/sandbox/page/mrkdwn.js";
import type { RenderContext } from "../../../src/sandbox/page/render-context.js";

const context: RenderContext = {
  users: { U0ALICE: "alice" },
  channels: { C0SHOP: "shop" },
  groups: { S0DBA: "dba" },
};
const md = (text: string) => renderMrkdwn(text, context);

describe("Slack mrkdwn in the page", () => {
  it("draws bold, italic, strike, code, code blocks and emoji", () => {
    expect(md("*bold* _it_ ~gone~ `a*b*c` :tada:")).toBe(
      "<b>bold</b> <i>it</i> <s>gone</s> <code>a*b*c</code> 🎉",
    );
    expect(md("```\nline 1 *not bold*\nline 2```")).toBe(
      '<pre class="code-block">line 1 *not bold*\nline 2</pre>',
    );
    expect(md("snake_case_name and 2*3*4")).toBe("snake_case_name and 2*3*4");
  });

  it("draws mentions of users, groups and channels, and safe links only", () => {
    expect(md("<@U0ALICE> <!subteam^S0DBA> <#C0SHOP> <!here>")).toBe(
      '<span class="mention">@alice</span> <span class="mention">@dba</span> <span class="mention">#shop</span> <span class="mention">@here</span>',
    );
    expect(md("<https://example.com/a?b=1&amp;c=2|docs>")).toBe(
      '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">docs</a>',
    );
    expect(md("<javascript:alert(1)|click>")).toBe("click");
  });

  it("escapes everything else: text is user input", () => {
    expect(
      md('&lt;script&gt;alert("x")&lt;/script&gt; &amp; <@U0"><img src=x onerror=alert(1)>'),
    ).not.toMatch(/<script|<img/);
    expect(md("&lt;b&gt;not bold&lt;/b&gt;")).toBe("&lt;b&gt;not bold&lt;/b&gt;");
  });

  it("shows a block it cannot draw as its JSON, escaped", () => {
    const html = renderBlock(
      { type: "video", title: "<b>x</b>" },
      { messageTs: "1.1", blockIndex: 0 },
      context,
    );
    expect(html).toContain('class="unrendered"');
    expect(html).toContain("&quot;type&quot;: &quot;video&quot;");
    expect(html).not.toContain("<b>x</b>");
  });
});
