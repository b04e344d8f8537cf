import { option, parseOptions } from '@mcpkit/core';
import * as z from 'zod';

const KIB = 1024;
const MIB = 1024 * 1024;
const size = option.size;
const count = option.count;

/**
 * The server's limits: from `--kebab-case` flags (camelCased by the CLI) or a config file's
 * `options`. Every limit is here, with its default; the README lists them. (`--read-only` is
 * core's write flag, the same on every server.)
 */
export const filesystemOptionsSchema = z
  .object({
    allowHardlinks: option.flag().default(false).describe('Allow files with other hard links'),
    maxReadBytes: size()
      .default(128 * KIB)
      .describe('Bytes of text one read_text_file call (or a resource read) returns.'),
    maxReadLines: count()
      .default(2000)
      .describe('Lines one read_text_file call returns when no limit/head/tail is given.'),
    maxTotalReadBytes: size()
      .default(200 * KIB)
      .describe('Bytes of text read_multiple_files returns, all files together.'),
    maxFiles: count().default(200).describe('Paths one read_multiple_files call accepts.'),
    maxMediaBytes: size()
      .default(5 * MIB)
      .describe('Largest file read_media_file returns (before base64).'),
    maxEditBytes: size()
      .default(10 * MIB)
      .describe('Largest file edit_file will load to edit.'),
    maxEntries: count().default(500).describe('Entries per list_directory page.'),
    maxTreeEntries: count().default(1000).describe('Entries directory_tree shows before it stops.'),
    maxSearchResults: count().default(500).describe('Paths per search_files page.'),
    maxContentResults: count()
      .default(200)
      .describe('Most matching lines search_file_contents returns (its maxResults may ask for fewer).'),
    maxResourcePage: count().default(500).describe('Resources per resources/list page.'),
    watchDebounceMs: count()
      .default(150)
      .describe('Milliseconds a watched resource waits for more changes before notifying.'),
  })
  .strict();

export type FilesystemOptions = z.input<typeof filesystemOptionsSchema>;
export type FilesystemLimits = z.output<typeof filesystemOptionsSchema>;

/** Validates options, with a message naming each bad one as a `--flag`. */
export function parseLimits(options: Record<string, unknown> = {}): FilesystemLimits {
  return parseOptions('filesystem', filesystemOptionsSchema, options);
}
