import {
  defineResourceTemplate,
  formatBytes,
  type ResourceTemplateDefinition,
  ToolError,
  textContents,
  truncateUtf8,
} from '@mcpkit/core';
import { sanitizeText } from './api/sanitize.js';
import { isText } from './tools/repos.js';
import type { GhContext } from './tools/shared.js';

const MAX_RESOURCE_BYTES = 64 * 1024;

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * A file in a repository as a resource: `github://{owner}/{repo}/contents/{+path}` with an
 * optional `?ref=`. Text comes back up to 64 KiB (the rest by line window through
 * get_file_contents); a binary file as its size and sha; a folder as a listing.
 */
export function contentsResource(gh: GhContext): ResourceTemplateDefinition {
  return defineResourceTemplate({
    name: 'repository_file',
    title: 'A file in a GitHub repository',
    description:
      'File contents by URI: github://OWNER/REPO/contents/PATH, optionally ?ref=BRANCH_OR_SHA. ' +
      'Text up to 64 KiB; folders as a listing.',
    uriTemplate: 'github://{owner}/{repo}/contents/{+path}',
    mimeType: 'text/plain',
    async read(uri, variables, ctx) {
      const owner = one(variables.owner);
      const repo = one(variables.repo);
      // {+path} may carry the optional ?ref= query; the URL parser has it separately.
      const path = decodeURIComponent((one(variables.path) ?? '').split('?')[0]!);
      const ref = uri.searchParams.get('ref') || undefined;
      if (!owner || !repo) throw new ToolError('Use github://OWNER/REPO/contents/PATH');
      const contents = await gh.api.getContents(owner, repo, path, ref, ctx);
      if (contents.kind === 'dir') {
        const lines = contents.entries.slice(0, 1000).map((e) => (e.type === 'dir' ? `${e.path}/` : e.path));
        return textContents(uri, lines.join('\n'), 'text/plain');
      }
      if (contents.overLimit || !contents.content || !isText(contents.content)) {
        const what = contents.overLimit ? 'too large to read' : 'binary';
        return textContents(
          uri,
          `${contents.path}: ${what}, ${formatBytes(contents.size)}, sha ${contents.sha}`,
        );
      }
      const text = sanitizeText(contents.content.toString('utf8'));
      const cut = truncateUtf8(text, MAX_RESOURCE_BYTES);
      const note =
        cut.length < text.length
          ? `\n[cut at ${formatBytes(MAX_RESOURCE_BYTES)} of ${formatBytes(contents.size)}: ` +
            `read the rest with ${ctx.servedName('get_file_contents')} and start_line]`
          : '';
      return textContents(uri, `${cut}${note}`, 'text/plain');
    },
  });
}
