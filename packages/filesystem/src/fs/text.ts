import { isUtf8 } from 'node:buffer';

/** How a text file's bytes were (and will be again) encoded. */
export type TextEncoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be' | 'latin1';

/** How a text file ends its lines. `mixed` files are edited without touching line endings. */
export type LineEnding = 'lf' | 'crlf' | 'mixed' | 'none';

/** Bytes inspected to tell text from binary, as git and grep do. */
export const SNIFF_BYTES = 8192;

/** True when the bytes look binary: a NUL in the first 8 KiB (UTF-16 with a BOM is text). */
export function looksBinary(head: Uint8Array): boolean {
  if (bomOf(head)?.startsWith('utf16')) return false;
  const end = Math.min(head.length, SNIFF_BYTES);
  return head.subarray(0, end).indexOf(0) !== -1;
}

function bomOf(bytes: Uint8Array): TextEncoding | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf8-bom';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf16be';
  return undefined;
}

/** UTF-16 with a byte-order mark: read as a whole, since lines cannot be found byte-wise. */
export function isUtf16(head: Uint8Array): boolean {
  return bomOf(head)?.startsWith('utf16') === true;
}

function swapBytes(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return copy.swap16();
}

/**
 * Decodes a whole file. UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such;
 * anything else that is not valid UTF-8 is read as Latin-1, which maps every byte to one
 * character and back, so an edit leaves every byte it did not touch exactly as it was.
 */
export function decodeText(bytes: Buffer): { text: string; encoding: TextEncoding } {
  const bom = bomOf(bytes);
  if (bom === 'utf8-bom') return { text: bytes.subarray(3).toString('utf8'), encoding: bom };
  if (bom === 'utf16le') return { text: bytes.subarray(2).toString('utf16le'), encoding: bom };
  if (bom === 'utf16be') return { text: swapBytes(bytes.subarray(2)).toString('utf16le'), encoding: bom };
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), encoding: 'utf8' };
  return { text: bytes.toString('latin1'), encoding: 'latin1' };
}

export function encodeText(text: string, encoding: TextEncoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    case 'latin1':
      return Buffer.from(text, 'latin1');
  }
}

/** True when every character survives a round trip through `encoding` (Latin-1 holds only U+0000..U+00FF). */
export function canEncode(text: string, encoding: TextEncoding): boolean {
  return encoding !== 'latin1' || /^[\u0000-\u00ff]*$/.test(text);
}

export function lineEnding(text: string): LineEnding {
  const lf = countOf(text, '\n');
  if (lf === 0) return 'none';
  const crlf = countOf(text, '\r\n');
  if (crlf === 0) return 'lf';
  return crlf === lf ? 'crlf' : 'mixed';
}

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

export function toLf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** The longest prefix of `bytes` (UTF-8) no longer than `max`, never ending mid-character. */
export function utf8Prefix(bytes: Uint8Array, max: number): number {
  if (bytes.length <= max) return bytes.length;
  let end = max;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return end;
}
