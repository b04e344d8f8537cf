import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../src/config/schema.js';

/** The confirmation policy as a config file states it (`confirm:`), parsed as the runtime takes it. */
const servers = { files: { server: 'filesystem', args: ['.'] } };

describe('config: confirm', () => {
  it('is off unless asked for', () => {
    expect(ConfigSchema.parse({ servers }).confirm).toBe('off');
  });

  it('takes `destructive` and the object form with what to do without elicitation', () => {
    expect(ConfigSchema.parse({ servers, confirm: 'destructive' }).confirm).toBe('destructive');
    expect(ConfigSchema.parse({ servers, confirm: { tools: 'destructive' } }).confirm).toEqual({
      tools: 'destructive',
      withoutElicitation: 'refuse',
    });
    expect(
      ConfigSchema.parse({ servers, confirm: { tools: 'destructive', withoutElicitation: 'proceed' } })
        .confirm,
    ).toEqual({ tools: 'destructive', withoutElicitation: 'proceed' });
  });

  it('refuses anything else', () => {
    expect(ConfigSchema.safeParse({ servers, confirm: 'everything' }).success).toBe(false);
    expect(ConfigSchema.safeParse({ servers, confirm: { tools: 'destructive', ask: 'x' } }).success).toBe(
      false,
    );
  });
});
