// Models write Markdown; Slack renders its own mrkdwn. The common differences are converted, code
// spans and blocks are left alone.

function convertInline(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<$2|$1>')
    .replace(/\*\*([^*]+)\*\*/g, '*$1*')
    .replace(/__([^_]+)__/g, '*$1*')
    .replace(/~~([^~]+)~~/g, '~$1~');
}

/** Headings become bold lines, list dashes bullets; the rest converts inline. */
function convertStart(line: string): string {
  const heading = /^#{1,6}\s+(.*)$/.exec(line);
  if (heading) return `*${heading[1]!.trim()}*`;
  return line.replace(/^(\s*)[-*]\s+/, '$1• ');
}

/** Markdown to Slack mrkdwn, outside code. */
export function markdownToMrkdwn(markdown: string): string {
  const out: string[] = [];
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      out.push(line);
      continue;
    }
    if (inFence) {
      out.push(line);
      continue;
    }
    // Leave inline code spans as they are.
    out.push(
      convertStart(line)
        .split(/(`[^`]*`)/)
        .map((part, i) => (i % 2 === 1 ? part : convertInline(part)))
        .join(''),
    );
  }
  return out.join('\n');
}
