/**
 * Cuts text where a reader sees a character boundary: never inside a surrogate pair or a grapheme cluster (an emoji
 * with a skin tone, a flag, a family), which Slack would show as a broken character. Lengths are UTF-16 code units,
 * which are never fewer than the characters Slack counts.
 */
let segmenter: Intl.Segmenter | undefined;

/** Made on first use: ICU's segmenter takes tens of milliseconds to make, and most texts are short enough. */
function graphemes(text: string): Intl.Segments {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return segmenter.segment(text);
}

/**
 * Code units around a cut that are segmented: only the neighbourhood of the cut decides where it may fall, so a
 * huge log is not segmented in full. Longer than any grapheme cluster seen in practice.
 */
const WINDOW = 64;

/** The longest start of `text` of at most `max` code units that ends on a grapheme boundary. */
export function headOf(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (const { segment, index } of graphemes(text.slice(0, max + WINDOW))) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** The longest end of `text` of at most `max` code units that starts on a grapheme boundary. */
export function tailOf(text: string, max: number): string {
  if (text.length <= max) return text;
  const from = text.length - max;
  const start = Math.max(0, from - WINDOW);
  for (const { index } of graphemes(text.slice(start)))
    if (start + index >= from) return text.slice(start + index);
  return "";
}
