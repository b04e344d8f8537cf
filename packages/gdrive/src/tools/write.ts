import { annotations, defineTool, structured, ToolError } from '@mcpkit/core';
import * as z from 'zod';
import { isGoogleType, isTextMime } from '../api/mime.js';
import { type DriveToolContext, drive, fileIdArg, fileLine, fileRow } from './context.js';

/** Text files only: 5 MiB is far beyond a model's output and well under Drive's simple-upload limit. */
const MAX_CONTENT = 5 * 1024 * 1024;

const TEXT_TYPES = ['text/plain', 'text/markdown', 'text/csv', 'text/html', 'application/json'] as const;

const contentArg = z
  .string()
  .max(MAX_CONTENT)
  .refine((s) => Buffer.byteLength(s) <= MAX_CONTENT, `at most ${MAX_CONTENT / 1024 / 1024} MiB of UTF-8`)
  .describe('The whole text content');

export function writeTools(dx: DriveToolContext) {
  const createTextFile = defineTool({
    name: 'create_text_file',
    title: 'Create a text file in Drive',
    description:
      'Creates a new text file (plain, Markdown, CSV, HTML or JSON) in a folder (default: My Drive) or a ' +
      'shared drive folder. It never overwrites: a second file with the same name is a separate file. ' +
      'Returns its id and link.',
    input: z.object({
      name: z.string().min(1).max(255).describe('File name, e.g. notes.md'),
      content: contentArg,
      folder_id: z
        .string()
        .min(1)
        .max(300)
        .optional()
        .describe('Parent folder id or link (default My Drive)'),
      mime_type: z.enum(TEXT_TYPES).default('text/plain').describe('Content type'),
      description: z.string().max(2_000).optional(),
    }),
    annotations: annotations.write(true),
    async handler(input, ctx) {
      const f = await drive(() =>
        dx.api.createFile(
          {
            name: input.name,
            parentId: input.folder_id ? fileIdArg(input.folder_id) : undefined,
            mimeType: input.mime_type,
            content: input.content,
            description: input.description,
          },
          ctx.signal,
        ),
      );
      const row = fileRow(f);
      return structured({ created: true, file: row }, `Created:\n${fileLine(row)}`);
    },
  });

  const updateTextFile = defineTool({
    name: 'update_text_file',
    title: 'Replace a Drive text file',
    description:
      'Replaces the whole content of a stored text file (not a Google Doc, Sheet or a binary) and keeps its ' +
      'id, name and sharing. Give expected_modified_time (from get_file) to refuse if someone changed the ' +
      'file since you read it.',
    input: z.object({
      file_id: z.string().min(1).max(300).describe('File id or Drive link'),
      content: contentArg,
      expected_modified_time: z
        .string()
        .max(40)
        .optional()
        .describe('modified_time the file must still have'),
    }),
    annotations: annotations.update(true),
    async handler(input, ctx) {
      const fileId = fileIdArg(input.file_id);
      const current = await drive(() => dx.api.getFile(fileId, ctx.signal));
      if (isGoogleType(current.mimeType) || !isTextMime(current.mimeType ?? ''))
        throw new ToolError(
          `${current.name} is a ${current.mimeType}: update_text_file only replaces stored text files. ` +
            `Create a new text file with ${ctx.servedName('create_text_file')} instead.`,
        );
      if (input.expected_modified_time && input.expected_modified_time !== current.modifiedTime)
        throw new ToolError(
          `${current.name} changed since ${input.expected_modified_time} (now ${current.modifiedTime}); ` +
            'read it again before replacing it.',
        );
      const f = await drive(() =>
        dx.api.updateFile(
          fileId,
          { content: input.content, mimeType: current.mimeType ?? 'text/plain' },
          ctx.signal,
        ),
      );
      const row = fileRow(f);
      return structured({ updated: true, file: row }, `Replaced the content of:\n${fileLine(row)}`);
    },
  });

  return [createTextFile, updateTextFile];
}

export function shareTools(dx: DriveToolContext) {
  const shareFile = defineTool({
    name: 'share_file',
    title: 'Share a Drive file',
    description:
      'Grants access to a file: a user or group (email), a whole domain, or anyone with the link, as reader, ' +
      'commenter or writer. Ownership is never transferred. People are notified by email unless notify is false.',
    input: z.object({
      file_id: z.string().min(1).max(300).describe('File id or Drive link'),
      type: z.enum(['user', 'group', 'domain', 'anyone']).describe('Who gets access'),
      role: z.enum(['reader', 'commenter', 'writer']).describe('What they may do'),
      email: z.email().optional().describe('For user and group'),
      domain: z.string().min(3).max(253).optional().describe('For domain, e.g. example.com'),
      notify: z.boolean().default(true).describe('Email the people who get access (user and group)'),
    }),
    annotations: annotations.write(true),
    async handler(input, ctx) {
      if ((input.type === 'user' || input.type === 'group') && !input.email)
        throw new ToolError(`type ${input.type} needs an email`);
      if (input.type === 'domain' && !input.domain) throw new ToolError('type domain needs a domain');
      const fileId = fileIdArg(input.file_id);
      const p = await drive(() =>
        dx.api.share(
          fileId,
          {
            type: input.type,
            role: input.role,
            ...(input.email && (input.type === 'user' || input.type === 'group')
              ? { emailAddress: input.email }
              : {}),
            ...(input.domain && input.type === 'domain' ? { domain: input.domain } : {}),
          },
          input.type === 'user' || input.type === 'group' ? input.notify : false,
          ctx.signal,
        ),
      );
      const who = p.emailAddress ?? p.domain ?? 'anyone with the link';
      return structured(
        { shared: true, file_id: fileId, permission: { id: p.id, type: p.type, role: p.role, grantee: who } },
        `Granted ${p.role} on ${fileId} to ${who}.`,
      );
    },
  });
  return [shareFile];
}
