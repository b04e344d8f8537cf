import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { declareServer, defineServer, ServerCatalog, UnknownServerError } from '../src/index.js';

const declared = (name: string) =>
  declareServer({
    name,
    description: name,
    options: z.object({}).strict(),
    writes: 'off',
    create: async () => defineServer({ name, version: '1.0.0', tools: [] }),
  });

describe('ServerCatalog', () => {
  it('takes declarations loaded later (a CLI loads only the one it serves)', () => {
    const catalog = new ServerCatalog();
    expect(() => catalog.get('files')).toThrow(UnknownServerError);
    const files = declared('files');
    catalog.add([files]);
    catalog.add([files]); // the same module loaded twice: nothing changes
    catalog.add([declared('db')]);
    expect(catalog.get('files')).toBe(files);
    expect(catalog.names()).toEqual(['db', 'files']);
  });

  it('refuses a second server under a name already taken', () => {
    const catalog = new ServerCatalog([declared('files')]);
    expect(() => catalog.add([declared('files')])).toThrow('Two servers are declared as "files"');
  });
});
