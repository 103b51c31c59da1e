/** What shows nothing: whitespace, control and format characters (zero-width ones), default-ignorables, blanks. */
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800\u3164\uFFA0]/gu;

/** False for text a reader cannot see: empty, or only whitespace, zero-width and other invisible characters. */
export function hasVisibleText(text: string): boolean {
  return text.replace(INVISIBLE, "") !== "";
}

/** Why a reason that shows nothing is refused, wherever a reason is given. */
export const INVISIBLE_REASON = "this reason shows nothing (only invisible characters): say why, in words";
