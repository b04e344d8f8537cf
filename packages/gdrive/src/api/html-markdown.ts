/**
 * Google Docs' HTML export as Markdown, for Drive deployments that offer no text/markdown export:
 * headings, paragraphs, bold/italic (tags or Docs' inline styles), links, lists, tables, line
 * breaks. Styles, scripts and images' inline data are dropped.
 */

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

const attr = (tag: string, name: string) =>
  new RegExp(`${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i')
    .exec(tag)
    ?.slice(2)
    .find((v) => v !== undefined);

/** Google wraps outgoing links as https://www.google.com/url?q=TARGET&sa=...; keep the target. */
function unwrapLink(href: string): string {
  try {
    const url = new URL(href);
    if (url.hostname === 'www.google.com' && url.pathname === '/url' && url.searchParams.get('q'))
      return url.searchParams.get('q')!;
  } catch {}
  return href;
}

export function htmlToMarkdown(html: string): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  const cleaned = body
    .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  const out: string[] = [];
  let line = '';
  const lists: ('ul' | 'ol')[] = [];
  const counters: number[] = [];
  const styleStack: string[] = [];
  let row: string[] | undefined;
  let cell: string | undefined;
  let tableRows = 0;
  let href: string | undefined;
  let linkText = '';

  const emit = (text: string) => {
    if (href !== undefined) linkText += text;
    else if (cell !== undefined) cell += text;
    else line += text;
  };
  const flush = (blank = true) => {
    // Collapse spaces, but keep a list item's leading indentation (its nesting).
    const indent = /^ */.exec(line)![0];
    const body = line.replace(/[ \t]+/g, ' ').trim();
    const t = body ? indent + body : '';
    if (t) out.push(t);
    if (t && blank) out.push('');
    line = '';
  };

  const tokens = cleaned.split(/(<[^>]+>)/);
  for (const tok of tokens) {
    if (!tok) continue;
    if (!tok.startsWith('<')) {
      const text = decodeEntities(tok.replace(/\s+/g, ' '));
      emit(text);
      continue;
    }
    const m = /^<\s*(\/?)\s*([a-z0-9]+)/i.exec(tok);
    if (!m) continue;
    const closing = m[1] === '/';
    const tag = m[2]!.toLowerCase();
    const heading = /^h([1-6])$/.exec(tag);
    if (heading) {
      if (closing) flush();
      else {
        flush(false);
        line = `${'#'.repeat(Number(heading[1]))} `;
      }
    } else if (tag === 'p' || tag === 'div') {
      if (closing || lists.length === 0) flush(lists.length === 0);
    } else if (tag === 'br') {
      emit('  \n');
    } else if (tag === 'ul' || tag === 'ol') {
      if (closing) {
        lists.pop();
        counters.pop();
        if (lists.length === 0) {
          flush(false);
          out.push('');
        }
      } else {
        flush(false);
        lists.push(tag);
        counters.push(0);
      }
    } else if (tag === 'li') {
      if (closing) flush(false);
      else {
        flush(false);
        const depth = lists.length - 1;
        const kind = lists[depth] ?? 'ul';
        counters[depth] = (counters[depth] ?? 0) + 1;
        line = `${'  '.repeat(Math.max(0, depth))}${kind === 'ol' ? `${counters[depth]}.` : '-'} `;
      }
    } else if (tag === 'a') {
      if (closing) {
        if (href !== undefined) {
          const text = linkText.trim();
          const target = href;
          href = undefined;
          emit(target && !target.startsWith('#') ? `[${text || target}](${target})` : text);
        }
      } else {
        href = unwrapLink(decodeEntities(attr(tok, 'href') ?? ''));
        linkText = '';
      }
    } else if (tag === 'b' || tag === 'strong') emit('**');
    else if (tag === 'i' || tag === 'em') emit('*');
    else if (tag === 'span') {
      if (closing) emit(styleStack.pop() ?? '');
      else {
        const style = attr(tok, 'style') ?? '';
        const bold = /font-weight\s*:\s*(700|bold)/i.test(style);
        const italic = /font-style\s*:\s*italic/i.test(style);
        const mark = `${bold ? '**' : ''}${italic ? '*' : ''}`;
        styleStack.push(mark.split('').reverse().join(''));
        emit(mark);
      }
    } else if (tag === 'table') {
      if (closing) {
        tableRows = 0;
        out.push('');
      } else flush();
    } else if (tag === 'tr') {
      if (closing && row) {
        out.push(`| ${row.join(' | ')} |`);
        if (tableRows === 0) out.push(`|${row.map(() => ' --- |').join('')}`);
        tableRows++;
        row = undefined;
      } else if (!closing) row = [];
    } else if (tag === 'td' || tag === 'th') {
      if (closing && cell !== undefined) {
        row?.push(cell.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|'));
        cell = undefined;
      } else if (!closing) cell = '';
    } else if (tag === 'img') {
      const alt = attr(tok, 'alt');
      const src = attr(tok, 'src') ?? '';
      // Inline image data is never passed on.
      emit(src.startsWith('data:') || !src ? `[image${alt ? `: ${alt}` : ''}]` : `![${alt ?? ''}](${src})`);
    } else if (tag === 'hr') {
      flush();
      out.push('---', '');
    }
  }
  flush();
  return `${out
    .join('\n')
    .replace(/\*\*\*\*/g, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

/** Inline base64 images (Docs' Markdown export embeds them) replaced by a short placeholder. */
export function stripInlineData(markdown: string): string {
  return markdown.replace(/data:[a-z]+\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]+/gi, 'data:omitted');
}
