/**
 * read_file's engine: a window of at most `maxBytes` of a file's text, with the offset of the
 * next window. Stored text files are read by HTTP range (never whole); Docs, Sheets and Slides
 * are exported once per version and windowed from a bounded cache. Binaries are never sent.
 */
import { textWindow } from '@mcpkit/core';
import type { DriveApi, DriveFile } from './drive-api.js';
import { DriveApiError } from './errors.js';
import { htmlToMarkdown, stripInlineData } from './html-markdown.js';
import { exportFormatsOf, MIME, planRead, type ReadFormat } from './mime.js';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** True when the bytes are UTF-8 text (no NUL byte, no invalid sequence). */
function isText(buf: Buffer): boolean {
  if (buf.includes(0)) return false;
  try {
    decoder.decode(buf);
    return true;
  } catch {
    return false;
  }
}

export interface FileWindow {
  kind: 'text';
  file: DriveFile;
  format: ReadFormat;
  text: string;
  /** Byte offset of this window in the text. */
  offset: number;
  /** Where the next window starts; absent at the end. */
  nextOffset?: number;
  totalBytes: number;
  /** How the text was obtained, and anything partial about it (first sheet only). */
  source: 'download' | 'export';
  note?: string;
}

export interface NoText {
  kind: 'none';
  file: DriveFile;
  reason: string;
  exportFormats: string[];
}

export type ReadResult = FileWindow | NoText;

export interface ReadOptions {
  offset: number;
  maxBytes: number;
  format?: ReadFormat;
}

const EXPORT_LIMIT_MESSAGE =
  'Drive cannot export this file: the export API stops at 10 MB. Open it in the browser (webViewLink), ' +
  "or for a Doc try format 'text', which is smaller than Markdown.";

/** Exported (and converted) texts by file, version and format, within a byte budget. */
class ExportCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;
  constructor(private readonly budget: number) {}

  get(key: string): Buffer | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recently used last
    }
    return hit;
  }

  set(key: string, value: Buffer): void {
    if (value.length > this.budget) return;
    this.entries.set(key, value);
    this.bytes += value.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }
}

export class FileReader {
  private readonly cache: ExportCache;

  constructor(
    private readonly api: DriveApi,
    options: { exportCacheBytes?: number } = {},
  ) {
    this.cache = new ExportCache(options.exportCacheBytes ?? 32 * 1024 * 1024);
  }

  async read(fileId: string, o: ReadOptions, signal?: AbortSignal): Promise<ReadResult> {
    let file = await this.api.getFile(fileId, signal);
    // A shortcut reads as what it points at (once: a shortcut to a shortcut is not followed).
    if (file.mimeType === MIME.shortcut && file.shortcutDetails?.targetId)
      file = await this.api.getFile(file.shortcutDetails.targetId, signal);
    const plan = planRead(file, o.format);
    if (plan.how === 'none')
      return { kind: 'none', file, reason: plan.reason, exportFormats: exportFormatsOf(file) };

    if (plan.how === 'download') {
      const total = Number(file.size ?? 0);
      if (o.offset >= total && total > 0)
        throw new DriveApiError(416, 'offsetPastEnd', `offset ${o.offset} is past the end (${total} bytes).`);
      // A few bytes either side let the window start and end on whole characters, as textWindow
      // does on a whole text: back to the start of a cut character, never past maxBytes.
      const from = Math.max(0, o.offset - 3);
      const to = Math.min(total, o.offset + o.maxBytes + 1);
      const chunk = await this.api.download(file.id!, from, to, signal);
      return this.window(file, chunk, from, o.offset, o.maxBytes, total, 'text', 'download', plan.note);
    }

    const key = `${file.id}:${file.version ?? file.modifiedTime}:${plan.exportMime}:${plan.htmlToMarkdown ? 'md' : ''}`;
    let text = this.cache.get(key);
    if (!text) {
      let raw: Buffer;
      try {
        raw = await this.api.exportFile(file.id!, plan.exportMime, signal);
      } catch (e) {
        if (e instanceof DriveApiError && e.reason === 'exportSizeLimitExceeded')
          throw new DriveApiError(e.status, e.reason, EXPORT_LIMIT_MESSAGE);
        throw e;
      }
      // Docs' text export starts with a byte-order mark; it is not content.
      if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) raw = raw.subarray(3);
      if (plan.htmlToMarkdown) raw = Buffer.from(htmlToMarkdown(raw.toString('utf8')));
      else if (plan.format === 'markdown') raw = Buffer.from(stripInlineData(raw.toString('utf8')));
      text = raw;
      this.cache.set(key, text);
    }
    if (o.offset >= text.length && text.length > 0)
      throw new DriveApiError(
        416,
        'offsetPastEnd',
        `offset ${o.offset} is past the end (${text.length} bytes).`,
      );
    return this.window(file, text, 0, o.offset, o.maxBytes, text.length, plan.format, 'export', plan.note);
  }

  /** The window at `offset` of a text of `total` bytes, from `chunk` (its bytes from `chunkStart`). */
  private window(
    file: DriveFile,
    chunk: Buffer,
    chunkStart: number,
    offset: number,
    maxBytes: number,
    total: number,
    format: ReadFormat,
    source: 'download' | 'export',
    note?: string,
  ): ReadResult {
    const w = textWindow(chunk, offset - chunkStart, maxBytes);
    const start = chunkStart + w.offset;
    const end = start + Buffer.byteLength(w.text);
    const bytes = chunk.subarray(w.offset, w.offset + (end - start));
    if (!isText(bytes))
      return {
        kind: 'none',
        file,
        reason: 'its bytes are not UTF-8 text, so they are not sent (nor as base64)',
        exportFormats: exportFormatsOf(file),
      };
    return {
      kind: 'text',
      file,
      format,
      text: w.text,
      offset: start,
      ...(end < total ? { nextOffset: end } : {}),
      totalBytes: total,
      source,
      ...(note ? { note } : {}),
    };
  }
}
