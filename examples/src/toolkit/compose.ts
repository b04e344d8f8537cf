/**
 * compose: several modules served as one. Each module's tools and prompts get its namespace as a
 * prefix (`stock` + `check_stock` -> `stock_check_stock`); resources keep their URIs. Two names
 * that collide after prefixing are an error naming both sources, when compose() runs.
 */
import { compose, defineServer, defineTool, type ServerModule, structured, text } from '@mcpkit/core';
import * as z from 'zod';
import { inventory } from './define-tool.js';

const MAX_NOTES = 100;

/** A second module: short notes kept in memory (the last 100), one writing and one reading tool. */
export function createNotes(): ServerModule {
  const notes: string[] = [];
  return defineServer({
    name: 'notes',
    version: '1.0.0',
    tools: [
      defineTool({
        name: 'add_note',
        description: `Keep a short note (the last ${MAX_NOTES} are kept).`,
        input: z.object({ text: z.string().min(1).max(500).describe('The note') }),
        // Writes, but destroys nothing: `--read-only` removes it all the same.
        annotations: { readOnlyHint: false, destructiveHint: false },
        handler: ({ text: note }) => {
          notes.push(note);
          if (notes.length > MAX_NOTES) notes.shift();
          return text(`Kept; ${notes.length} notes.`);
        },
      }),
      defineTool({
        name: 'list_notes',
        description: 'The notes kept so far, oldest first; `contains` keeps those holding a text.',
        input: z.object({ contains: z.string().max(200).optional().describe('Only notes holding this') }),
        annotations: { readOnlyHint: true },
        cache: false, // its answer changes with every add_note, so the response cache must not keep it
        handler: ({ contains }) => {
          const found = contains ? notes.filter((n) => n.includes(contains)) : [...notes];
          return structured({ notes: found }, found.join('\n') || '(no notes)');
        },
      }),
    ],
  });
}

/** Both modules behind one server: tools `stock_check_stock`, `notes_add_note`, `notes_list_notes`. */
export function createShop(): ServerModule {
  return compose({ name: 'shop', version: '1.0.0' }, { stock: inventory, notes: createNotes() });
}
