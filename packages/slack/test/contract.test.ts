import { describe, expect, it } from 'vitest';
import { startSlackStandin, TOKENS } from './standin/server.js';
import { CHANNELS } from './standin/workspace.js';
import { slackContract } from './support/conformance.js';

// The oracle itself: the spec's own examples pass after relaxing only its stale parts, and answers
// that are wrong in the ways a stand-in drifts (short ids, a missing field, a made-up error) fail.

const METHODS = [
  'conversations.list',
  'conversations.info',
  'conversations.history',
  'conversations.replies',
  'chat.postMessage',
  'reactions.add',
  'users.list',
  'users.info',
  'search.messages',
];

describe('Slack spec oracle', () => {
  it.each(METHODS)('accepts the spec example for %s', (method) => {
    const c = slackContract();
    const example = c.example(method);
    expect(example).toBeTruthy();
    expect(c.check(method, example)).toEqual([]);
  });

  const goodMessage = { type: 'message', user: 'U0ALICE001', text: 'hi', ts: '1700000000.000100' };

  it('accepts a history page with a next cursor (stale part relaxed)', () => {
    const body = {
      ok: true,
      messages: [goodMessage],
      has_more: true,
      response_metadata: { next_cursor: 'bmV4dF90czox' },
    };
    expect(slackContract().check('conversations.history', body)).toEqual([]);
  });

  it('rejects ids that do not match Slack patterns', () => {
    const body = { ok: true, messages: [{ ...goodMessage, user: 'u1' }], has_more: false };
    const v = slackContract().check('conversations.history', body);
    expect(v.join('\n')).toMatch(/\/messages\/0\/user must match pattern/);
  });

  it('rejects a message without ts, a malformed ts and an unknown field', () => {
    const { ts: _ts, ...noTs } = goodMessage;
    const c = slackContract();
    expect(
      c.check('conversations.history', { ok: true, messages: [noTs], has_more: false }).join('\n'),
    ).toMatch(/must have required property 'ts'/);
    expect(
      c.check('conversations.history', {
        ok: true,
        messages: [{ ...goodMessage, ts: '17.1' }],
        has_more: false,
      }),
    ).not.toEqual([]);
    expect(
      c.check('conversations.history', {
        ok: true,
        messages: [{ ...goodMessage, colour: 'red' }],
        has_more: false,
      }),
    ).not.toEqual([]);
  });

  it('rejects a channel object missing required fields and a conversations.list without channels', () => {
    const c = slackContract();
    expect(
      c.check('conversations.info', { ok: true, channel: { id: 'C0GENERAL1', name: 'general' } }),
    ).not.toEqual([]);
    expect(c.check('conversations.list', { ok: true })).not.toEqual([]);
  });

  it('rejects an error code no Slack method returns, and accepts missing_scope with needed/provided', () => {
    const c = slackContract();
    expect(c.check('conversations.history', { ok: false, error: 'something_went_wrong' })).not.toEqual([]);
    expect(
      c.check('conversations.history', {
        ok: false,
        error: 'missing_scope',
        needed: 'channels:history',
        provided: 'channels:read',
      }),
    ).toEqual([]);
    expect(c.check('conversations.history', { ok: false, error: 'ratelimited' })).toEqual([]);
  });

  it('rejects a search answer whose paging is not page-based', () => {
    const body = { ok: true, query: 'x', messages: { total: 0, matches: [], next_cursor: 'abc' } };
    expect(slackContract().check('search.messages', body)).not.toEqual([]);
  });

  it('catches a stand-in answer that drifts from the spec', async () => {
    const c = slackContract();
    const standin = await startSlackStandin();
    try {
      const res = await fetch(`${standin.apiUrl}conversations.replies`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKENS.bot}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: `channel=${CHANNELS.threads}&ts=1702010000.000100`,
      });
      const body = (await res.json()) as { messages: Array<Record<string, unknown>> };
      expect(c.check('conversations.replies', body)).toEqual([]);
      const drifted = structuredClone(body);
      drifted.messages[1]!.user = 'carol';
      expect(c.check('conversations.replies', drifted).join('\n')).toMatch(/user must match pattern/);
      const noParent = structuredClone(body);
      delete noParent.messages[1]!.parent_user_id;
      delete noParent.messages[0]!.reply_count;
      expect(c.check('conversations.replies', noParent)).not.toEqual([]);
    } finally {
      await standin.close();
    }
  });
});
