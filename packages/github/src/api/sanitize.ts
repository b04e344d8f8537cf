/**
 * Text from GitHub (titles, bodies, comments, file names) is written by anyone; before a model
 * reads it, characters a human cannot see are removed: zero-width and other invisible format
 * characters, bidirectional controls (which make text read differently than it displays) and
 * Unicode tag characters (U+E0000..U+E007F, which can spell hidden instructions). Visible text,
 * newlines and tabs are kept.
 */
const INVISIBLE =
  // C0/C1 controls except \t \n \r; soft hyphen; combining grapheme joiner; Hangul fillers;
  // zero-width space/joiners, LRM/RLM, bidi embeddings/overrides/isolates, word joiner and
  // invisible operators; BOM; interlinear annotation; tag characters; variation selectors 17-256.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u034F\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]|[\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/gu;

export function sanitizeText(text: string): string;
export function sanitizeText(text: string | null | undefined): string | null;
export function sanitizeText(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  return text.replace(INVISIBLE, '');
}
