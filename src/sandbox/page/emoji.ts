/** The shortcodes phasegate's messages use (and a few common ones), as Slack draws them. */
const EMOJI: Record<string, string> = {
  arrow_forward: "▶️",
  arrows_counterclockwise: "🔄",
  black_right_pointing_double_triangle_with_vertical_bar: "⏭️",
  double_vertical_bar: "⏸️",
  hourglass: "⌛",
  hourglass_flowing_sand: "⏳",
  information_source: "ℹ️",
  no_entry: "⛔",
  no_entry_sign: "🚫",
  octagonal_sign: "🛑",
  raised_hand: "✋",
  repeat: "🔁",
  rocket: "🚀",
  snowflake: "❄️",
  sunny: "☀️",
  tada: "🎉",
  warning: "⚠️",
  white_check_mark: "✅",
  white_circle: "⚪",
  x: "❌",
  eyes: "👀",
  thumbsup: "👍",
  "+1": "👍",
  wave: "👋",
};

/** `:name:` replaced by its emoji; an unknown shortcode stays as typed, as Slack shows it. */
export function replaceEmoji(html: string): string {
  return html.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}
