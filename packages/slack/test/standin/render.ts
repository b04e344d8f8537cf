// Workspace objects rendered as the Web API returns them (field names and shapes from the Slack spec).
import {
  type StandinChannel,
  type StandinFile,
  type StandinMessage,
  type StandinUser,
  TEAM_DOMAIN,
  TEAM_ID,
} from './workspace.js';

export function renderChannel(ch: StandinChannel, viewer: string | undefined, withCount = true) {
  return {
    id: ch.id,
    name: ch.name,
    is_channel: !ch.isPrivate,
    is_group: ch.isPrivate,
    is_im: false,
    is_mpim: false as const,
    is_private: ch.isPrivate,
    created: ch.created,
    creator: ch.creator,
    is_archived: ch.isArchived,
    is_general: ch.isGeneral,
    unlinked: 0,
    name_normalized: ch.name,
    is_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    is_ext_shared: false,
    is_member: viewer !== undefined && ch.members.has(viewer),
    topic: { value: ch.topic, creator: ch.topic ? ch.creator : '', last_set: ch.topic ? ch.created : 0 },
    purpose: {
      value: ch.purpose,
      creator: ch.purpose ? ch.creator : '',
      last_set: ch.purpose ? ch.created : 0,
    },
    previous_names: [],
    ...(withCount ? { num_members: ch.members.size } : {}),
  };
}

export function renderUser(u: StandinUser, withEmail: boolean) {
  return {
    id: u.id,
    team_id: TEAM_ID,
    name: u.name,
    deleted: u.deleted,
    color: '9f69e7',
    real_name: u.realName,
    tz: u.tz,
    tz_label: u.tz,
    tz_offset: 3600,
    profile: {
      title: u.title,
      phone: '',
      skype: '',
      real_name: u.realName,
      real_name_normalized: u.realName,
      display_name: u.displayName,
      display_name_normalized: u.displayName,
      fields: null,
      status_text: '',
      status_emoji: '',
      avatar_hash: 'g0123456789a',
      ...(withEmail && u.email ? { email: u.email } : {}),
      first_name: u.realName.split(' ')[0] ?? null,
      last_name: u.realName.split(' ').slice(1).join(' ') || null,
      team: TEAM_ID,
    },
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: u.isBot,
    is_app_user: false,
    updated: u.updated,
  };
}

function renderFile(f: StandinFile, channelId: string) {
  return {
    id: f.id,
    created: 1_700_000_000,
    name: f.name,
    title: f.title,
    mimetype: f.mimetype,
    filetype: f.name.split('.').pop() ?? '',
    pretty_type: f.mimetype,
    size: f.size,
    mode: 'hosted',
    is_external: false,
    is_public: !channelId.startsWith('G'),
    permalink: `https://${TEAM_DOMAIN}.slack.com/files/${f.id}/${encodeURIComponent(f.name)}`,
  };
}

/** The distinct users who replied in `parent`'s thread, in order of their first reply. */
function replyUsers(parent: StandinMessage, ch: StandinChannel): string[] {
  return [...new Set(parent.replyTs.map((ts) => ch.messages.get(ts)?.user ?? ''))].filter(Boolean);
}

/** A message in a channel listing or a thread; a thread's parent carries Slack's bookkeeping fields. */
export function renderMessage(m: StandinMessage, ch: StandinChannel) {
  const users = m.replyTs.length ? replyUsers(m, ch) : [];
  return {
    type: 'message',
    ...(m.broadcast ? { subtype: 'thread_broadcast' } : {}),
    user: m.user,
    text: m.text,
    ts: m.ts,
    team: TEAM_ID,
    ...(m.botId ? { bot_id: m.botId } : {}),
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.parentUserId ? { parent_user_id: m.parentUserId } : {}),
    ...(m.files.length ? { files: m.files.map((f) => renderFile(f, ch.id)) } : {}),
    ...(m.reactions.length
      ? { reactions: m.reactions.map((r) => ({ name: r.name, users: r.users, count: r.users.length })) }
      : {}),
    ...(m.replyTs.length
      ? {
          reply_count: m.replyTs.length,
          reply_users_count: users.length,
          reply_users: users,
          latest_reply: m.replyTs.at(-1)!,
        }
      : {}),
  };
}

/** A thread's parent as conversations.replies returns it. */
export function renderParent(m: StandinMessage, ch: StandinChannel) {
  return { ...renderMessage(m, ch), thread_ts: m.ts, reply_count: m.replyTs.length, subscribed: false };
}

export function permalink(channelId: string, ts: string, threadTs?: string): string {
  const base = `https://${TEAM_DOMAIN}.slack.com/archives/${channelId}/p${ts.replace('.', '')}`;
  return threadTs && threadTs !== ts ? `${base}?thread_ts=${threadTs}&cid=${channelId}` : base;
}
