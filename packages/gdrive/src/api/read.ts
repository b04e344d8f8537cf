/**
 * read_file's engine: a window of at most `maxBytes` of a file's text, with the offset of the
 * next window. Stored text files are read by HTTP range (never whole); Docs, Sheets and Slides
 * are exported once per version and windowed from a bounded cache. Binaries are never sent.
 */
import type { DriveApi, DriveFile } from './drive-api.js';
import { DriveApiError } from './errors.js';
import { htmlToMarkdown, stripInlineData } from './html-markdown.js';
import { exportFormatsOf, MIME, planRead, type ReadFormat } from './mime.js';
import { alignWindow, decodeText } from './text-window.js';

export interface TextWindow {
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

export type ReadResult = TextWindow | NoText;

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
      const chunkEnd = Math.min(total, o.offset + o.maxBytes);
      const chunk = await this.api.download(file.id!, o.offset, chunkEnd, signal);
      return this.window(file, chunk, o.offset, total, 'text', 'download', plan.note);
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
    const chunk = text.subarray(o.offset, o.offset + o.maxBytes);
    return this.window(file, chunk, o.offset, text.length, plan.format, 'export', plan.note);
  }

  private window(
    file: DriveFile,
    chunk: Buffer,
    offset: number,
    total: number,
    format: ReadFormat,
    source: 'download' | 'export',
    note?: string,
  ): ReadResult {
    const w = alignWindow(chunk, offset, offset + chunk.length >= total);
    const text = decodeText(w.bytes);
    if (text === undefined)
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
      text,
      offset: w.start,
      ...(w.end < total ? { nextOffset: w.end } : {}),
      totalBytes: total,
      source,
      ...(note ? { note } : {}),
    };
  }
}
