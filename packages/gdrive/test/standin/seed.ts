/** The seeded world every test starts from: fixed ids and times so tests can name what they expect. */
import { DOC, FOLDER, SHEET, SHORTCUT, SLIDES, World } from './model.js';

export const ADA = 'ada@example.com';
export const BOB = 'bob@example.com';
export const SA_EMAIL = 'reader@mcpkit-test.iam.gserviceaccount.com';

export const IDS = {
  projects: 'fold-projects',
  thousand: 'fold-thousand',
  designDoc: 'doc-design',
  budgetSheet: 'sheet-budget',
  reviewSlides: 'slides-review',
  notes: 'txt-notes',
  config: 'json-config',
  big: 'txt-big',
  video: 'bin-video',
  report: 'pdf-report',
  quoted: 'txt-quoted',
  trashed: 'txt-trashed',
  hugeDoc: 'doc-huge',
  fromBob: 'txt-from-bob',
  forSa: 'txt-for-sa',
  engDrive: '0AEngineering9PVA',
  mktDrive: '0AMarketing9PVA',
  finDrive: '0AFinance9PVA',
  runbook: 'doc-runbook',
  oncall: 'md-oncall',
  specs: 'fold-specs',
  apiSpec: 'json-api-spec',
  launch: 'doc-launch',
  salaries: 'csv-salaries',
  shortcut: 'short-design',
  architecture: 'pdf-architecture',
} as const;

/** A name with a quote and a backslash, to prove search text reaches the parser as literals. */
export const QUOTED_NAME = "O'Brien \\ notes.txt";

export const DESIGN_MARKDOWN = [
  '# Design notes',
  '',
  'The **gateway** keeps one connection per upstream.',
  '',
  '## Goals',
  '',
  '- Bounded output',
  '- Opaque cursors',
  '',
  '| Part | Owner |',
  '| --- | --- |',
  '| core | Ada |',
  '',
  'See [the spec](https://example.com/spec).',
  '',
].join('\n');

export const BUDGET_SHEETS = [
  {
    title: 'Summary',
    rows: [
      ['Item', 'Amount', 'Note'],
      ['Servers', '1200', 'two "large" nodes'],
      ['Travel, misc', '300', 'line\nbreak'],
    ],
  },
  { title: 'Details', rows: [['SECOND-SHEET-ONLY', '1']] },
];

export const REVIEW_SLIDES = [
  ['Quarterly review', 'Q4 2026'],
  ['Highlights', 'Shipped the gateway', 'Latency down 30%'],
  ['Next', 'Shared drives everywhere'],
];

/** 1 MiB of UTF-8 text with multi-byte characters, so a window boundary can fall inside one. */
export function bigText(): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let n = 1; size < 1024 * 1024; n++) {
    const line = `${String(n).padStart(6, '0')} naïve café — 日本語 ✓ line of the big file\n`;
    lines.push(line);
    size += Buffer.byteLength(line);
  }
  return trimToChar(Buffer.from(lines.join('')), 1024 * 1024);
}

function trimToChar(buf: Buffer, max: number): Buffer {
  let end = Math.min(max, buf.length);
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end);
}

export const VIDEO_SIZE = 50 * 1024 * 1024;

/** Byte i of the 50 MB binary; generated for any range, never held whole. */
export function videoChunk(start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(Math.max(0, end - start));
  for (let i = start; i < end; i++) out[i - start] = (i * 31 + (i >>> 13)) & 0xff;
  return out;
}

export const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    'trailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);

export function hugeMarkdown(): string {
  const para = 'This paragraph makes the document too large to export in one piece. '.repeat(10);
  return `# Huge\n\n${`${para}\n\n`.repeat(Math.ceil((11 * 1024 * 1024) / (para.length + 2)))}`;
}

export function seedWorld(): World {
  const w = new World();
  w.addUser(ADA, 'Ada Lovelace');
  w.addUser(BOB, 'Bob Babbage');
  w.addUser('carol@example.org', 'Carol Other');
  w.addUser(SA_EMAIL, 'reader service account');
  const root = w.roots.get(ADA)!;
  const mine = { owner: ADA, parents: [root] };
  const t = (h: number) => new Date(Date.UTC(2026, 0, 10) + h * 3_600_000).toISOString();

  w.add({ id: IDS.projects, name: 'Projects', mimeType: FOLDER, content: { kind: 'none' }, ...mine });
  w.add({ id: IDS.thousand, name: 'Thousand', mimeType: FOLDER, content: { kind: 'none' }, ...mine });
  w.add({
    id: IDS.designDoc,
    name: 'Design notes',
    mimeType: DOC,
    description: 'How the gateway is built',
    content: { kind: 'doc', markdown: () => DESIGN_MARKDOWN },
    owner: ADA,
    parents: [IDS.projects],
    modifiedTime: t(1),
    permissions: [
      { id: '10001', type: 'user', role: 'writer', emailAddress: BOB },
      { id: 'anyoneWithLink', type: 'anyone', role: 'reader', allowFileDiscovery: false },
      { id: '0987', type: 'domain', role: 'commenter', domain: 'example.com', allowFileDiscovery: true },
    ],
  });
  w.add({
    id: IDS.budgetSheet,
    name: 'Budget 2026',
    mimeType: SHEET,
    content: { kind: 'sheet', sheets: BUDGET_SHEETS },
    owner: ADA,
    parents: [IDS.projects],
    modifiedTime: t(2),
  });
  w.add({
    id: IDS.reviewSlides,
    name: 'Quarterly review',
    mimeType: SLIDES,
    content: { kind: 'slides', slides: REVIEW_SLIDES },
    owner: ADA,
    parents: [IDS.projects],
    modifiedTime: t(3),
  });
  const text = (s: string) => ({ kind: 'bytes' as const, data: Buffer.from(s) });
  w.add({
    id: IDS.notes,
    name: 'notes.txt',
    mimeType: 'text/plain',
    content: text('Meeting notes: the quarterly kickoff is on Monday.\n'),
    modifiedTime: t(4),
    ...mine,
  });
  w.add({
    id: IDS.config,
    name: 'config.json',
    mimeType: 'application/json',
    content: text('{"retries": 3, "region": "eu"}\n'),
    modifiedTime: t(5),
    ...mine,
  });
  w.add({
    id: IDS.big,
    name: 'big.txt',
    mimeType: 'text/plain',
    content: { kind: 'bytes', data: bigText() },
    modifiedTime: t(6),
    ...mine,
  });
  w.add({
    id: IDS.video,
    name: 'video.bin',
    mimeType: 'application/octet-stream',
    content: { kind: 'lazy', size: VIDEO_SIZE, chunk: videoChunk },
    modifiedTime: t(7),
    ...mine,
  });
  w.add({
    id: IDS.report,
    name: 'report.pdf',
    mimeType: 'application/pdf',
    content: { kind: 'bytes', data: PDF_BYTES },
    modifiedTime: t(8),
    ...mine,
  });
  w.add({
    id: IDS.quoted,
    name: QUOTED_NAME,
    mimeType: 'text/plain',
    content: text('quote and backslash\n'),
    modifiedTime: t(9),
    ...mine,
  });
  w.add({
    id: IDS.trashed,
    name: 'old draft.txt',
    mimeType: 'text/plain',
    content: text('the kickoff draft, thrown away\n'),
    trashed: true,
    modifiedTime: t(10),
    ...mine,
  });
  w.add({
    id: IDS.hugeDoc,
    name: 'Huge export',
    mimeType: DOC,
    content: { kind: 'doc', markdown: hugeMarkdown },
    modifiedTime: t(11),
    ...mine,
  });
  w.add({
    id: IDS.fromBob,
    name: 'Shared by Bob.txt',
    mimeType: 'text/plain',
    content: text('from bob\n'),
    owner: BOB,
    parents: [w.roots.get(BOB)!],
    modifiedTime: t(12),
    permissions: [{ id: '10000', type: 'user', role: 'reader', emailAddress: ADA }],
  });
  w.add({
    id: IDS.forSa,
    name: 'for the service account.txt',
    mimeType: 'text/plain',
    content: text('visible to the service account\n'),
    modifiedTime: t(13),
    ...mine,
    permissions: [{ id: '10003', type: 'user', role: 'reader', emailAddress: SA_EMAIL }],
  });
  w.add({
    id: IDS.shortcut,
    name: 'Design notes (shortcut)',
    mimeType: SHORTCUT,
    content: { kind: 'none' },
    shortcutTarget: IDS.designDoc,
    modifiedTime: t(0),
    ...mine,
  });
  for (let n = 1; n <= 1000; n++) {
    const label = String(n).padStart(4, '0');
    w.add({
      id: `item-${label}`,
      name: `item-${label}.txt`,
      mimeType: 'text/plain',
      content: text(`item ${label}\n`),
      owner: ADA,
      parents: [IDS.thousand],
      modifiedTime: new Date(Date.UTC(2025, 5, 1) + n * 60_000).toISOString(),
    });
  }

  // Shared drives: Ada is a member of two, not of the third.
  const drive = (id: string, name: string, members: [string, string][]) =>
    w.drives.set(id, { id, name, createdTime: '2025-03-01T00:00:00.000Z', members: new Map(members) });
  drive(IDS.engDrive, 'Engineering', [
    [ADA, 'organizer'],
    [BOB, 'writer'],
  ]);
  drive(IDS.mktDrive, 'Marketing', [[ADA, 'reader']]);
  drive(IDS.finDrive, 'Finance', [[BOB, 'organizer']]);
  const inDrive = (driveId: string, parent = driveId) => ({ driveId, parents: [parent] });
  w.add({
    id: IDS.runbook,
    name: 'Runbook',
    mimeType: DOC,
    content: { kind: 'doc', markdown: () => '# Runbook\n\nPage the on-call engineer first.\n' },
    modifiedTime: t(20),
    ...inDrive(IDS.engDrive),
  });
  w.add({
    id: IDS.oncall,
    name: 'oncall.md',
    mimeType: 'text/markdown',
    content: text('# On call\n\nThe pager rotates weekly.\n'),
    modifiedTime: t(21),
    ...inDrive(IDS.engDrive),
  });
  w.add({
    id: IDS.specs,
    name: 'Specs',
    mimeType: FOLDER,
    content: { kind: 'none' },
    ...inDrive(IDS.engDrive),
  });
  w.add({
    id: IDS.apiSpec,
    name: 'api-spec.json',
    mimeType: 'application/json',
    content: text('{"openapi": "3.1.0"}\n'),
    modifiedTime: t(22),
    ...inDrive(IDS.engDrive, IDS.specs),
  });
  w.add({
    id: IDS.architecture,
    name: 'architecture.pdf',
    mimeType: 'application/pdf',
    content: { kind: 'bytes', data: PDF_BYTES },
    modifiedTime: t(24),
    ...inDrive(IDS.engDrive, IDS.specs),
  });
  w.add({
    id: IDS.launch,
    name: 'Launch plan',
    mimeType: DOC,
    content: { kind: 'doc', markdown: () => '# Launch plan\n\nThe kickoff is in March.\n' },
    modifiedTime: t(23),
    ...inDrive(IDS.mktDrive),
  });
  w.add({
    id: IDS.salaries,
    name: 'salaries.csv',
    mimeType: 'text/csv',
    content: text('name,salary\n'),
    ...inDrive(IDS.finDrive),
  });
  return w;
}
