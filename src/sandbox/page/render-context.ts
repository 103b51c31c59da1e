/** Names the renderer shows for ids in mentions (`<@U…>`, `<#C…>`, `<!subteam^S…>`). */
export interface RenderContext {
  users: Record<string, string>;
  channels: Record<string, string>;
  groups: Record<string, string>;
}
