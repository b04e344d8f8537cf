/**
 * Text from GitHub (titles, bodies, comments, file names) is written by anyone; before a model
 * reads it, characters a human cannot see are removed: zero-width and other invisible format
 * characters, bidirectional controls (which make text read differently than it displays) and
 * Unicode tag characters (U+E0000..U+E007F, which can spell hidden instructions). Visible text,
 * newlines and tabs are kept.
 */
const RANGES: [number, number][] = [
  [0x00, 0x08],
  [0x0b, 0x0c],
  [0x0e, 0x1f],
  [0x7f, 0x9f],
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x115f, 0x1160],
  [0x180e, 0x180e],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff9, 0xfffb],
  [0xe0000, 0xe007f],
  [0xe0100, 0xe01ef],
];
const hex = (n: number) => `\\u{${n.toString(16)}}`;
// C0/C1 controls except tab, newline and carriage return; soft hyphen; combining grapheme joiner;
// Hangul fillers; zero-width space and joiners, LRM/RLM, bidi embeddings, overrides and isolates;
// word joiner and invisible operators; BOM; interlinear annotation; tag characters; variation
// selectors 17-256.
const INVISIBLE = new RegExp(
  RANGES.map(([a, b]) => (a === b ? hex(a) : `[${hex(a)}-${hex(b)}]`)).join('|'),
  'gu',
);

export function sanitizeText(text: string): string;
export function sanitizeText(text: string | null | undefined): string | null;
export function sanitizeText(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  return text.replace(INVISIBLE, '');
}
