/**
 * Drive's export matrix (what `about.get(fields=exportFormats)` lists) and the stand-in's
 * renderings. Office formats are stand-in bytes with the right magic number, not real documents.
 */
import { DOC, DRAWING, SHEET, SLIDES, type StandinFile } from './model.js';

const OOXML = 'application/vnd.openxmlformats-officedocument.';

export const EXPORT_FORMATS: Record<string, string[]> = {
  [DOC]: [
    'application/rtf',
    'application/vnd.oasis.opendocument.text',
    'text/html',
    'application/pdf',
    'text/markdown',
    'application/epub+zip',
    'application/zip',
    `${OOXML}wordprocessingml.document`,
    'text/plain',
  ],
  [SHEET]: [
    'application/x-vnd.oasis.opendocument.spreadsheet',
    'text/tab-separated-values',
    'application/pdf',
    `${OOXML}spreadsheetml.sheet`,
    'text/csv',
    'application/zip',
    'application/vnd.oasis.opendocument.spreadsheet',
  ],
  [SLIDES]: [
    'application/vnd.oasis.opendocument.presentation',
    'application/pdf',
    `${OOXML}presentationml.presentation`,
    'text/plain',
  ],
  [DRAWING]: ['image/svg+xml', 'image/png', 'application/pdf', 'image/jpeg'],
};

/** Drive's own `exportFormat=` names in exportLinks. */
const LINK_FORMAT: Record<string, string> = {
  'text/markdown': 'md',
  'text/plain': 'txt',
  'text/html': 'html',
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'text/tab-separated-values': 'tsv',
};

export function exportFormats(mimeType: string, markdown: boolean): string[] {
  const all = EXPORT_FORMATS[mimeType] ?? [];
  return markdown ? all : all.filter((m) => m !== 'text/markdown');
}

export function exportLinks(file: StandinFile, markdown: boolean): Record<string, string> | undefined {
  const formats = exportFormats(file.mimeType, markdown);
  if (formats.length === 0) return undefined;
  const kind =
    file.mimeType === SHEET ? 'spreadsheets' : file.mimeType === SLIDES ? 'presentations' : 'documents';
  return Object.fromEntries(
    formats.map((m) => [
      m,
      `https://docs.google.com/feeds/download/${kind}/Export?id=${file.id}&exportFormat=${LINK_FORMAT[m] ?? m.split(/[/.]/).pop()}`,
    ]),
  );
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

function markdownToPlain(md: string): string {
  return md
    .split('\n')
    .map((line) =>
      line
        .replace(/^#+\s*/, '')
        .replace(/^- /, '* ')
        .replace(/\*\*(.+?)\*\*/g, '$1')
        .replace(/\[(.+?)\]\((.+?)\)/g, '$1'),
    )
    .join('\r\n');
}

function markdownToHtml(md: string): string {
  const inline = (s: string) =>
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/\*\*(.+?)\*\*/g, '<span style="font-weight:700">$1</span>')
      .replace(/\[(.+?)\]\((.+?)\)/g, '<a href="$2">$1</a>');
  const out: string[] = ['<html><head><meta content="text/html; charset=UTF-8"></head><body>'];
  let list = false;
  for (const line of md.split('\n')) {
    const heading = /^(#+)\s+(.*)$/.exec(line);
    if (!line.startsWith('- ') && list) {
      out.push('</ul>');
      list = false;
    }
    if (heading) out.push(`<h${heading[1]!.length}>${inline(heading[2]!)}</h${heading[1]!.length}>`);
    else if (line.startsWith('- ')) {
      if (!list) out.push('<ul>');
      list = true;
      out.push(`<li>${inline(line.slice(2))}</li>`);
    } else if (line.startsWith('|')) {
      if (!/^\|\s*-/.test(line)) {
        const cells = line.split('|').slice(1, -1);
        out.push(`<table><tr>${cells.map((c) => `<td>${inline(c.trim())}</td>`).join('')}</tr></table>`);
      }
    } else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
  }
  if (list) out.push('</ul>');
  out.push('</body></html>');
  return out.join('');
}

const magic = (mime: string): Buffer => {
  if (mime === 'application/pdf') return Buffer.from('%PDF-1.4\n%stand-in export\n%%EOF\n', 'latin1');
  if (mime.startsWith('image/png')) return Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]); // zip-based office formats
};

/** The exported bytes; the caller has checked the pair is in the matrix. */
export function renderExport(file: StandinFile, mime: string): Buffer {
  const c = file.content;
  if (c.kind === 'doc') {
    const md = c.markdown();
    // Docs' plain-text export starts with a byte-order mark, as Google's does.
    if (mime === 'text/plain') return Buffer.from(`\ufeff${markdownToPlain(md)}`);
    if (mime === 'text/markdown') return Buffer.from(md);
    if (mime === 'text/html') return Buffer.from(markdownToHtml(md));
    return magic(mime);
  }
  if (c.kind === 'sheet') {
    const first = c.sheets[0]?.rows ?? [];
    if (mime === 'text/csv') return Buffer.from(first.map((r) => r.map(csvCell).join(',')).join('\r\n'));
    if (mime === 'text/tab-separated-values') return Buffer.from(first.map((r) => r.join('\t')).join('\r\n'));
    return magic(mime);
  }
  if (c.kind === 'slides') {
    if (mime === 'text/plain') return Buffer.from(c.slides.map((s) => s.join('\n')).join('\n\n'));
    return magic(mime);
  }
  return magic(mime);
}

/** The size an export would have, without keeping it (the 10 MB check runs before rendering). */
export function exportSize(file: StandinFile, mime: string): number {
  return renderExport(file, mime).length;
}
