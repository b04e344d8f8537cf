// The stand-in's workspace: users, channels and messages, seeded with ids shaped as Slack shapes them
// (C0123ABCD9, U0123ABCD9, B0123ABCD9, F0123ABCD9, ts 1700000000.000100), since the spec's patterns check them.

export const TEAM_ID = 'T0STANDIN1';
export const TEAM_DOMAIN = 'standin';
export const BOT_ID = 'B0STANDIN1';
export const BOT_USER_ID = 'U0BOTUSER9';

/** Seeded channel ids, named by what a test uses them for. */
export const CHANNELS = {
  general: 'C0GENERAL1',
  history: 'C0HIST1000',
  long: 'C0LONGMSG5',
  threads: 'C0THREADS1',
  archived: 'C0ARCHIVE1',
  private: 'G0PRIVATE1',
  secret: 'G0SECRET01',
  notJoined: 'C0NOTJOIN1',
} as const;

export const USERS = {
  alice: 'U0ALICE001',
  bob: 'U0BOBBY002',
  carol: 'U0CAROL003',
  dave: 'U0DAVE0004',
  gone: 'U0DELETED5',
  bot: BOT_USER_ID,
} as const;

export interface StandinUser {
  id: string;
  name: string;
  realName: string;
  displayName: string;
  email: string;
  tz: string;
  title: string;
  isBot: boolean;
  deleted: boolean;
  updated: number;
}

export interface StandinFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
}

export interface StandinReaction {
  name: string;
  users: string[];
}

export interface StandinMessage {
  ts: string;
  user: string;
  text: string;
  botId?: string;
  threadTs?: string;
  parentUserId?: string;
  /** Replies also shown in the channel (reply_broadcast). */
  broadcast?: boolean;
  replyTs: string[];
  reactions: StandinReaction[];
  files: StandinFile[];
}

export interface StandinChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  isGeneral: boolean;
  created: number;
  creator: string;
  topic: string;
  purpose: string;
  members: Set<string>;
  /** Every message of the channel (top level and replies), by ts. */
  messages: Map<string, StandinMessage>;
}

export interface Workspace {
  users: StandinUser[];
  channels: StandinChannel[];
  /** Last ts handed out, so posted messages are always newer than everything seeded. */
  clock: { seconds: number; micros: number };
}

const HUMAN_IDS = [USERS.alice, USERS.bob, USERS.carol, USERS.dave];

export function formatTs(seconds: number, micros: number): string {
  return `${seconds}.${String(micros).padStart(6, '0')}`;
}

/** A fresh ts, strictly newer than any handed out before. */
export function nextTs(ws: Workspace): string {
  const now = Math.floor(Date.now() / 1000);
  if (now > ws.clock.seconds) {
    ws.clock.seconds = now;
    ws.clock.micros = 100;
  } else {
    ws.clock.micros += 100;
    if (ws.clock.micros > 999_999) {
      ws.clock.seconds += 1;
      ws.clock.micros = 100;
    }
  }
  return formatTs(ws.clock.seconds, ws.clock.micros);
}

function user(id: string, name: string, realName: string, extra: Partial<StandinUser> = {}): StandinUser {
  return {
    id,
    name,
    realName,
    displayName: realName.split(' ')[0] ?? realName,
    email: `${name}@standin.example`,
    tz: 'Europe/Berlin',
    title: '',
    isBot: false,
    deleted: false,
    updated: 1_690_000_000,
    ...extra,
  };
}

function channel(
  id: string,
  name: string,
  members: string[],
  extra: Partial<Omit<StandinChannel, 'members' | 'messages'>> = {},
): StandinChannel {
  return {
    id,
    name,
    isPrivate: false,
    isArchived: false,
    isGeneral: false,
    created: 1_690_000_000,
    creator: USERS.alice,
    topic: '',
    purpose: '',
    members: new Set(members),
    messages: new Map(),
    ...extra,
  };
}

function message(
  ts: string,
  userId: string,
  text: string,
  extra: Partial<StandinMessage> = {},
): StandinMessage {
  return { ts, user: userId, text, replyTs: [], reactions: [], files: [], ...extra };
}

/** Adds a reply under `parent`, keeping the parent's thread bookkeeping as Slack does. */
export function addReply(ch: StandinChannel, parent: StandinMessage, reply: StandinMessage): void {
  reply.threadTs = parent.ts;
  reply.parentUserId = parent.user;
  parent.threadTs = parent.ts;
  parent.replyTs.push(reply.ts);
  ch.messages.set(reply.ts, reply);
}

/** A deterministic pseudo-random sequence, so seeded text is the same on every run. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    return x / 2 ** 32;
  };
}

const WORDS = (
  'deploy release incident review budget roadmap design metrics latency database cache queue ' +
  'customer launch retro standup backlog migration rollout alert dashboard invoice contract'
).split(' ');

export function seedWorkspace(): Workspace {
  const everyone = [...HUMAN_IDS, BOT_USER_ID];
  const users: StandinUser[] = [
    user(USERS.alice, 'alice', 'Alice Archer', { title: 'Engineering lead' }),
    user(USERS.bob, 'bob', 'Bob Brown', { tz: 'America/New_York' }),
    user(USERS.carol, 'carol', 'Carol Chen', { displayName: 'carol.c' }),
    user(USERS.dave, 'dave', 'Dave Diaz', { tz: 'Asia/Tokyo' }),
    user(USERS.gone, 'gone', 'Former Member', { deleted: true }),
    user(BOT_USER_ID, 'standin-bot', 'Standin Bot', { isBot: true, email: '' }),
  ];
  const channels: StandinChannel[] = [
    channel(CHANNELS.general, 'general', everyone, {
      isGeneral: true,
      topic: 'Company-wide announcements and work-based matters',
      purpose: 'This channel is for workspace-wide communication.',
    }),
    channel(CHANNELS.history, 'history-1000', everyone, { topic: 'A thousand seeded messages' }),
    channel(CHANNELS.long, 'long-messages', everyone, { topic: 'Fifty very long messages' }),
    channel(CHANNELS.threads, 'threads', everyone, { topic: 'Threads and reactions' }),
    channel(CHANNELS.archived, 'old-project', everyone, { isArchived: true, topic: 'Archived in 2024' }),
    channel(CHANNELS.private, 'private-team', [USERS.alice, USERS.bob, BOT_USER_ID], { isPrivate: true }),
    channel(CHANNELS.secret, 'secret-plans', [USERS.carol], { isPrivate: true }),
    channel(CHANNELS.notJoined, 'not-joined', HUMAN_IDS, { topic: 'The bot is not a member here' }),
  ];
  const byId = new Map(channels.map((c) => [c.id, c]));
  const rand = lcg(12_345);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');

  // history-1000: exactly 1,000 top-level messages, one a minute, some with files and reactions.
  const history = byId.get(CHANNELS.history)!;
  for (let i = 0; i < 1000; i++) {
    const ts = formatTs(1_700_000_000 + i * 60, 100 + (i % 7));
    const m = message(ts, HUMAN_IDS[i % HUMAN_IDS.length]!, `#${i + 1} ${sentence(6)}`);
    if (i % 97 === 0) {
      m.files.push({
        id: `F0HIST${String(i).padStart(4, '0')}`,
        name: `report-${i}.pdf`,
        title: `Report ${i}`,
        mimetype: 'application/pdf',
        size: 12_345 + i,
      });
    }
    if (i % 50 === 0) m.reactions.push({ name: 'thumbsup', users: [USERS.bob, USERS.carol] });
    history.messages.set(ts, m);
  }

  // long-messages: 50 messages of 6,000 to 12,000 characters each.
  const long = byId.get(CHANNELS.long)!;
  for (let i = 0; i < 50; i++) {
    const ts = formatTs(1_701_000_000 + i * 60, 200);
    const body = `Long message ${i + 1}: ${sentence(2000)}`.slice(0, 6000 + i * 120);
    long.messages.set(ts, message(ts, pick(HUMAN_IDS), body));
  }
  // The oldest long message has a thread of 8 long replies.
  const longParent = long.messages.get(formatTs(1_701_000_000, 200))!;
  for (let i = 0; i < 8; i++) {
    const ts = formatTs(1_701_100_000 + i * 60, 300);
    addReply(
      long,
      longParent,
      message(ts, HUMAN_IDS[i % 4]!, `Long reply ${i + 1}: ${sentence(900)}`.slice(0, 4000)),
    );
  }

  // threads: a parent with 40 replies, one with 2 replies, a plain message, and a message with a file.
  const threads = byId.get(CHANNELS.threads)!;
  const big = message(
    formatTs(1_702_000_000, 100),
    USERS.alice,
    'Release plan for Q1: reply with your items',
  );
  threads.messages.set(big.ts, big);
  for (let i = 0; i < 40; i++) {
    const reply = message(
      formatTs(1_702_000_100 + i * 30, 100),
      HUMAN_IDS[(i + 1) % 4]!,
      `item ${i + 1}: ${sentence(5)}`,
    );
    addReply(threads, big, reply);
  }
  const small = message(formatTs(1_702_010_000, 100), USERS.bob, 'Lunch on Friday?', {
    reactions: [{ name: 'tada', users: [USERS.alice] }],
  });
  threads.messages.set(small.ts, small);
  addReply(threads, small, message(formatTs(1_702_010_060, 100), USERS.carol, 'Yes, <@U0ALICE001> too'));
  addReply(threads, small, message(formatTs(1_702_010_120, 100), USERS.dave, 'count me in'));
  const plain = message(formatTs(1_702_020_000, 100), USERS.carol, 'The incident review is on the wiki');
  threads.messages.set(plain.ts, plain);
  const withFile = message(formatTs(1_702_030_000, 100), USERS.dave, 'Design mockups attached', {
    files: [
      {
        id: 'F0MOCKUP01',
        name: 'mockups.fig',
        title: 'Mockups',
        mimetype: 'application/octet-stream',
        size: 999,
      },
    ],
  });
  threads.messages.set(withFile.ts, withFile);

  // general, archived, private, secret, not-joined: a few messages each (search finds them).
  const few: Array<[string, string, string]> = [
    [CHANNELS.general, USERS.alice, 'Welcome to the standin workspace, deploy freeze starts Friday'],
    [CHANNELS.general, USERS.bob, 'The quarterly budget review moved to Tuesday'],
    [CHANNELS.general, USERS.carol, 'Deploy of the billing service went fine'],
    [CHANNELS.archived, USERS.dave, 'Old project kickoff notes, deploy checklist inside'],
    [CHANNELS.private, USERS.alice, 'Private: salary budget draft'],
    [CHANNELS.secret, USERS.carol, 'Secret: acquisition codename deploy-falcon'],
    [CHANNELS.notJoined, USERS.dave, 'Not joined: the bot cannot read this deploy note'],
  ];
  few.forEach(([channelId, userId, text], i) => {
    const ts = formatTs(1_703_000_000 + i * 60, 100);
    byId.get(channelId)!.messages.set(ts, message(ts, userId, text));
  });

  return { users, channels, clock: { seconds: 1_703_100_000, micros: 100 } };
}
