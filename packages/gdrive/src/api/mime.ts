/** Drive's MIME types and how each kind of file is read as text (or why it is not). */
import type { DriveFile } from './drive-api.js';

export const MIME = {
  folder: 'application/vnd.google-apps.folder',
  doc: 'application/vnd.google-apps.document',
  sheet: 'application/vnd.google-apps.spreadsheet',
  slides: 'application/vnd.google-apps.presentation',
  shortcut: 'application/vnd.google-apps.shortcut',
  googlePrefix: 'application/vnd.google-apps.',
} as const;

export const READ_FORMATS = ['markdown', 'text', 'html', 'csv', 'tsv'] as const;
export type ReadFormat = (typeof READ_FORMATS)[number];

const TEXT_APPLICATION = new Set([
  'application/json',
  'application/ld+json',
  'application/xml',
  'application/javascript',
  'application/x-javascript',
  'application/typescript',
  'application/x-yaml',
  'application/yaml',
  'application/toml',
  'application/sql',
  'application/x-sh',
  'application/x-httpd-php',
  'application/rtf',
  'application/csv',
  'application/x-ndjson',
  'application/graphql',
]);

/** Stored files whose bytes are text: read them as they are. */
export function isTextMime(mime: string): boolean {
  const base = mime.split(';')[0]!.trim().toLowerCase();
  return (
    base.startsWith('text/') || TEXT_APPLICATION.has(base) || base.endsWith('+json') || base.endsWith('+xml')
  );
}

export const isGoogleType = (mime: string | null | undefined) => Boolean(mime?.startsWith(MIME.googlePrefix));

export type ReadPlan =
  | {
      how: 'export';
      exportMime: string;
      format: ReadFormat;
      /** Convert Drive's HTML export to Markdown (when Drive offers no Markdown export). */
      htmlToMarkdown?: boolean;
      note?: string;
    }
  | { how: 'download'; format: 'text'; note?: string }
  | { how: 'none'; reason: string };

export const exportFormatsOf = (file: DriveFile): string[] => Object.keys(file.exportLinks ?? {});

/** How to read a file as text in the asked format, from its type and the exports Drive offers. */
export function planRead(file: DriveFile, requested?: ReadFormat): ReadPlan {
  const mime = file.mimeType ?? '';
  const offers = new Set(exportFormatsOf(file));
  const exportAs = (exportMime: string, format: ReadFormat, note?: string): ReadPlan =>
    offers.has(exportMime)
      ? { how: 'export', exportMime, format, note }
      : { how: 'none', reason: `Drive offers no ${exportMime} export of this file` };

  if (mime === MIME.folder) return { how: 'none', reason: 'it is a folder' };
  if (mime === MIME.doc) {
    const format = requested ?? 'markdown';
    if (format === 'markdown') {
      if (offers.has('text/markdown')) return { how: 'export', exportMime: 'text/markdown', format };
      if (offers.has('text/html'))
        return {
          how: 'export',
          exportMime: 'text/html',
          format,
          htmlToMarkdown: true,
          note: "Converted to Markdown from Drive's HTML export.",
        };
      return exportAs('text/plain', 'text', 'Drive offers no Markdown or HTML export; this is plain text.');
    }
    if (format === 'text') return exportAs('text/plain', 'text');
    if (format === 'html') return exportAs('text/html', 'html');
    return { how: 'none', reason: `a Google Doc reads as markdown, text or html, not ${format}` };
  }
  if (mime === MIME.sheet) {
    const format = requested ?? 'csv';
    const note =
      'Only the first sheet: Drive exports one sheet as CSV/TSV. Open webViewLink for the other sheets.';
    if (format === 'csv') return exportAs('text/csv', 'csv', note);
    if (format === 'tsv') return exportAs('text/tab-separated-values', 'tsv', note);
    return { how: 'none', reason: `a Google Sheet reads as csv or tsv, not ${format}` };
  }
  if (mime === MIME.slides) {
    const note =
      requested && requested !== 'text' ? `Slides export as plain text only, not ${requested}.` : undefined;
    return exportAs('text/plain', 'text', note);
  }
  if (isGoogleType(mime)) {
    const formats = [...offers];
    return {
      how: 'none',
      reason: formats.length
        ? `this kind of Google file has no text form; Drive exports it as ${formats.join(', ')}`
        : 'this kind of Google file cannot be exported',
    };
  }
  if (isTextMime(mime)) return { how: 'download', format: 'text' };
  return {
    how: 'none',
    reason: `it is a binary file (${mime || 'unknown type'}); its content is not sent as text or base64`,
  };
}
