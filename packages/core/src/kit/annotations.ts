import type { ToolAnnotations } from '@modelcontextprotocol/server';

/**
 * Annotation presets, so every server says the same thing the same way. `openWorld` marks tools
 * that reach a third-party service (an API, the web) rather than only local state.
 */
export const annotations = {
  /** Reads local state only. */
  readOnly: Object.freeze({
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  }) as ToolAnnotations,
  /** Reads from a third-party service. */
  readOnlyOpen: Object.freeze({
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true,
  }) as ToolAnnotations,
  /** Adds something (a file, a comment, a message); does not overwrite or remove. */
  write: (open = false): ToolAnnotations => ({
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: false,
    openWorldHint: open,
  }),
  /** Changes or replaces something in a way that repeating it gives the same state. */
  update: (open = false): ToolAnnotations => ({
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: open,
  }),
  /** Removes or overwrites what cannot be had back. */
  destructive: (open = false): ToolAnnotations => ({
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: open,
  }),
};
