/** The Drive v3 methods the stand-in serves, keyed by discovery id. */
import { createHash } from 'node:crypto';
import { responseValidator } from './discovery.js';
import { fileNotFound, GoogleError, invalidParam } from './errors.js';
import { EXPORT_FORMATS, exportFormats, exportLinks, renderExport } from './exports.js';
import { parseFields, project } from './fields.js';
import {
  contentBytes,
  contentSize,
  DOC,
  FOLDER,
  GOOGLE_APPS,
  type Permission,
  SHEET,
  SLIDES,
  type StandinFile,
  type World,
} from './model.js';
import { evaluate, type Node, parseQuery, type Queryable } from './query.js';
import type { LoggedRequest } from './server.js';

export interface HandlerContext {
  world: World;
  options: { markdownExport: boolean; pageSizeCap?: number; ignoreRange?: boolean };
  principal: string;
  /** The bearer token's scopes and the app it was issued to. */
  token: { scopes: string[]; app: string };
  path: Record<string, string>;
  query: URLSearchParams;
  body?: Buffer;
  contentType: string;
  upload: boolean;
  range?: string;
  log: LoggedRequest;
  standinUrl: string;
}

export type HandlerResult =
  | { kind: 'json'; body: unknown; status?: number }
  | { kind: 'bytes'; status: number; headers: Record<string, string | number>; stream: Iterable<Buffer> };

export type Handler = (ctx: HandlerContext) => HandlerResult | Promise<HandlerResult>;

const EXPORT_LIMIT = 10 * 1024 * 1024;
const ROLE_RANK = ['reader', 'commenter', 'writer', 'fileOrganizer', 'organizer', 'owner'];
const atLeast = (role: string | undefined, min: string) =>
  role !== undefined && ROLE_RANK.indexOf(role) >= ROLE_RANK.indexOf(min);

const flag = (q: URLSearchParams, name: string) => q.get(name) === 'true';

const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive';
const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file';

/** With drive.file (and not drive), an app may change only the files it created. */
function checkAppMayChange(ctx: HandlerContext, file: StandinFile): void {
  const { scopes, app } = ctx.token;
  if (scopes.includes(DRIVE_SCOPE) || !scopes.includes(DRIVE_FILE_SCOPE) || file.createdByApp === app) return;
  throw new GoogleError(403, {
    reason: 'appNotAuthorizedToFile',
    message: `The user has not granted the app ${app} write access to the file ${file.id}.`,
    location: 'fileId',
    locationType: 'parameter',
  });
}

const insufficientFilePermissions = () =>
  new GoogleError(403, {
    reason: 'insufficientFilePermissions',
    message: 'The user does not have sufficient permissions for this file.',
  });

function select(ctx: HandlerContext, schema: string, defaults: string, value: unknown): unknown {
  const fields = ctx.query.get('fields') ?? defaults;
  return project(value, parseFields(fields, schema));
}

function resolveId(ctx: HandlerContext, id: string): string {
  return id === 'root' ? (ctx.world.roots.get(ctx.principal) ?? id) : id;
}

/** A file the principal may see; shared-drive files only for apps that say they support them. */
function visibleFile(ctx: HandlerContext, id: string, supportsAllDrives: boolean): StandinFile {
  const file = ctx.world.files.get(resolveId(ctx, id));
  if (!file) throw fileNotFound(id);
  if (file.driveId && !supportsAllDrives) throw fileNotFound(id);
  if (ctx.world.roots.get(ctx.principal) === file.id) return file;
  if (!ctx.world.roleOf(file, ctx.principal)) throw fileNotFound(id);
  return file;
}

function user(ctx: HandlerContext, email: string) {
  const u = ctx.world.users.get(email);
  return {
    kind: 'drive#user',
    displayName: u?.displayName ?? email,
    emailAddress: email,
    me: email === ctx.principal,
    permissionId: u?.permissionId ?? '0',
  };
}

function webViewLink(f: StandinFile): string {
  if (f.mimeType === DOC) return `https://docs.google.com/document/d/${f.id}/edit?usp=drivesdk`;
  if (f.mimeType === SHEET) return `https://docs.google.com/spreadsheets/d/${f.id}/edit?usp=drivesdk`;
  if (f.mimeType === SLIDES) return `https://docs.google.com/presentation/d/${f.id}/edit?usp=drivesdk`;
  if (f.mimeType === FOLDER) return `https://drive.google.com/drive/folders/${f.id}`;
  return `https://drive.google.com/file/d/${f.id}/view?usp=drivesdk`;
}

/** The full Drive `File` resource of a seeded file, as the principal sees it. */
function fileResource(ctx: HandlerContext, f: StandinFile): Record<string, unknown> {
  const role =
    ctx.world.roleOf(f, ctx.principal) ?? (ctx.world.roots.get(ctx.principal) === f.id ? 'owner' : 'reader');
  const google = f.mimeType.startsWith(GOOGLE_APPS);
  const size = contentSize(f.content);
  const ext = google ? undefined : /\.([^.]+)$/.exec(f.name)?.[1];
  const res: Record<string, unknown> = {
    kind: 'drive#file',
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    starred: f.starred,
    trashed: f.trashed,
    explicitlyTrashed: f.trashed,
    parents: f.parents,
    spaces: ['drive'],
    version: String(f.version),
    webViewLink: webViewLink(f),
    iconLink: `https://drive-thirdparty.googleusercontent.com/16/type/${f.mimeType}`,
    hasThumbnail: false,
    viewedByMe: true,
    createdTime: f.createdTime,
    modifiedTime: f.modifiedTime,
    modifiedByMe: f.owner === ctx.principal,
    shared: f.permissions.length > 1 || Boolean(f.driveId),
    ownedByMe: f.owner === ctx.principal,
    isAppAuthorized: false,
    writersCanShare: true,
    viewersCanCopyContent: true,
    copyRequiresWriterPermission: false,
    capabilities: {
      canDownload: true,
      canCopy: !google || f.mimeType !== FOLDER,
      canComment: atLeast(role, 'commenter'),
      canEdit: atLeast(role, 'writer'),
      canShare: atLeast(role, 'writer'),
      canTrash: atLeast(role, f.driveId ? 'fileOrganizer' : 'owner'),
      canListChildren: f.mimeType === FOLDER,
      canAddChildren: f.mimeType === FOLDER && atLeast(role, 'writer'),
    },
    quotaBytesUsed: String(size ?? 0),
  };
  if (f.description) res.description = f.description;
  if (f.driveId) res.driveId = f.driveId;
  if (f.owner) {
    res.owners = [user(ctx, f.owner)];
    res.permissionIds = f.permissions.map((p) => p.id);
  }
  res.lastModifyingUser = user(
    ctx,
    f.owner ?? [...(ctx.world.drives.get(f.driveId!)?.members.keys() ?? [])][0]!,
  );
  if (f.owner && f.owner !== ctx.principal) res.sharedWithMeTime = f.createdTime;
  if (!google) {
    res.size = String(size ?? 0);
    res.originalFilename = f.name;
    res.headRevisionId = `rev-${f.id}-${f.version}`;
    res.webContentLink = `https://drive.google.com/uc?id=${f.id}&export=download`;
    if (ext) {
      res.fileExtension = ext;
      res.fullFileExtension = ext;
    }
    if (f.content.kind === 'bytes') res.md5Checksum = createHash('md5').update(f.content.data).digest('hex');
  }
  if (f.shortcutTarget) {
    const target = ctx.world.files.get(f.shortcutTarget);
    res.shortcutDetails = { targetId: f.shortcutTarget, targetMimeType: target?.mimeType ?? '' };
  }
  const links = exportLinks(f, ctx.options.markdownExport);
  if (links) res.exportLinks = links;
  return res;
}

function queryable(ctx: HandlerContext, f: StandinFile): Queryable {
  const emailsWith = (roles: string[]) =>
    f.permissions.filter((p) => p.type === 'user' && roles.includes(p.role)).map((p) => p.emailAddress!);
  return {
    name: f.name,
    mimeType: f.mimeType,
    parents: f.parents,
    trashed: f.trashed,
    starred: f.starred,
    modifiedTime: f.modifiedTime,
    createdTime: f.createdTime,
    owners: f.owner ? [f.owner] : [],
    writers: emailsWith(['writer', 'fileOrganizer', 'organizer']),
    readers: emailsWith(['reader', 'commenter']),
    sharedWithMe: Boolean(f.owner && f.owner !== ctx.principal && ctx.world.roleOf(f, ctx.principal)),
    fullText: () => {
      const c = f.content;
      const text =
        c.kind === 'bytes' && c.data.length <= 2 * 1024 * 1024 && !f.mimeType.startsWith('application/octet')
          ? c.data.toString()
          : c.kind === 'doc'
            ? c.markdown().slice(0, 100_000)
            : c.kind === 'sheet'
              ? c.sheets.flatMap((s) => s.rows.flat()).join(' ')
              : c.kind === 'slides'
                ? c.slides.flat().join(' ')
                : '';
      return `${f.name}\n${f.description ?? ''}\n${text}`;
    },
  };
}

const ORDER_KEYS = [
  'createdTime',
  'folder',
  'modifiedByMeTime',
  'modifiedTime',
  'name',
  'name_natural',
  'quotaBytesUsed',
  'recency',
  'sharedWithMeTime',
  'starred',
  'viewedByMeTime',
];

function sorter(orderBy: string | null): (a: StandinFile, b: StandinFile) => number {
  const keys = (orderBy ?? 'modifiedTime desc').split(',').map((k) => {
    const [key, dir, ...rest] = k.trim().split(/\s+/);
    if (!key || !ORDER_KEYS.includes(key) || rest.length > 0 || (dir && dir !== 'desc' && dir !== 'asc'))
      throw invalidParam('orderBy');
    return { key, desc: dir === 'desc' };
  });
  const value = (f: StandinFile, key: string): string | number => {
    if (key === 'name' || key === 'name_natural') return f.name.toLowerCase();
    if (key === 'folder') return f.mimeType === FOLDER ? 0 : 1;
    if (key === 'createdTime') return f.createdTime;
    if (key === 'starred') return f.starred ? 0 : 1;
    if (key === 'quotaBytesUsed') return contentSize(f.content) ?? 0;
    return f.modifiedTime;
  };
  return (a, b) => {
    for (const { key, desc } of keys) {
      const x = value(a, key);
      const y = value(b, key);
      if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

function pageToken(ctx: HandlerContext, scope: string): { offset: number; make: (o: number) => string } {
  const hash = createHash('sha1').update(scope).digest('base64url').slice(0, 10);
  const raw = ctx.query.get('pageToken');
  let offset = 0;
  if (raw) {
    try {
      const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString()) as { o: number; h: string };
      if (parsed.h !== hash || !Number.isInteger(parsed.o) || parsed.o < 0) throw new Error('mismatch');
      offset = parsed.o;
    } catch {
      throw invalidParam('pageToken');
    }
  }
  return { offset, make: (o) => Buffer.from(JSON.stringify({ o, h: hash })).toString('base64url') };
}

function mentions(node: Node, field: string): boolean {
  if (node.kind === 'and' || node.kind === 'or')
    return mentions(node.left, field) || mentions(node.right, field);
  if (node.kind === 'not') return mentions(node.operand, field);
  return node.kind === 'cmp' && node.field === field;
}

function filesList(ctx: HandlerContext): HandlerResult {
  const q = ctx.query;
  const corpora = q.get('corpora') ?? 'user';
  const driveId = q.get('driveId');
  const include = flag(q, 'includeItemsFromAllDrives');
  const supports = flag(q, 'supportsAllDrives');
  if (!['user', 'domain', 'drive', 'allDrives'].includes(corpora)) throw invalidParam('corpora');
  if (Boolean(driveId) !== (corpora === 'drive'))
    throw new GoogleError(400, {
      reason: 'teamDriveIdRequiresTeamDriveCorpora',
      message: 'The driveId parameter must be specified if and only if corpora is set to drive.',
    });
  if ((corpora === 'drive' || corpora === 'allDrives') && !include)
    throw new GoogleError(403, {
      reason: 'teamDriveIncludeTeamDriveItemsRequired',
      message:
        'The includeItemsFromAllDrives parameter must be set to true when driveId is specified or corpora ' +
        'contains drive or allDrives.',
      location: 'includeItemsFromAllDrives',
      locationType: 'parameter',
    });
  if (driveId && !ctx.world.drives.get(driveId)?.members.has(ctx.principal))
    throw new GoogleError(404, {
      reason: 'notFound',
      message: `Shared drive not found: ${driveId}`,
      location: 'driveId',
      locationType: 'parameter',
    });
  const raw = q.get('q');
  const parsed = raw ? parseQuery(raw) : undefined;
  if (parsed) ctx.log.literals = parsed.literals;
  if (parsed && q.get('orderBy') && mentions(parsed.ast, 'fullText'))
    throw invalidParam(
      'orderBy',
      'Sorting is not supported for queries with fullText terms. Results are always in descending relevance order.',
    );
  const spaces = (q.get('spaces') ?? 'drive').split(',');
  const roots = new Set(ctx.world.roots.values());
  // Shared-drive items appear only for an app that includes them and says it supports them.
  const sharedDrives = include && supports;
  const matches = [...ctx.world.files.values()].filter((f) => {
    if (roots.has(f.id) || !spaces.includes('drive')) return false;
    if (f.driveId) {
      if (!sharedDrives || corpora === 'user' || corpora === 'domain') return false;
      if (corpora === 'drive' && f.driveId !== driveId) return false;
    } else if (corpora === 'drive') return false;
    if (!ctx.world.roleOf(f, ctx.principal)) return false;
    return !parsed || evaluate(parsed.ast, queryable(ctx, f), (id) => resolveId(ctx, id));
  });
  matches.sort(sorter(q.get('orderBy')));
  const scope = JSON.stringify([raw, corpora, driveId, include, supports, q.get('orderBy'), spaces]);
  const { offset, make } = pageToken(ctx, scope);
  const asked = Number(q.get('pageSize') ?? 100);
  const size = Math.min(asked, ctx.options.pageSizeCap ?? asked);
  const page = matches.slice(offset, offset + size);
  const body: Record<string, unknown> = {
    kind: 'drive#fileList',
    incompleteSearch: false,
    files: page.map((f) => fileResource(ctx, f)),
  };
  if (offset + size < matches.length) body.nextPageToken = make(offset + size);
  return {
    kind: 'json',
    body: select(ctx, 'FileList', 'kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)', body),
  };
}

function* streamRange(f: StandinFile, start: number, end: number): Generator<Buffer> {
  const step = 256 * 1024;
  for (let at = start; at < end; at += step) yield contentBytes(f.content, at, Math.min(end, at + step));
}

function filesGet(ctx: HandlerContext): HandlerResult {
  const file = visibleFile(ctx, ctx.path.fileId!, flag(ctx.query, 'supportsAllDrives'));
  if (ctx.query.get('alt') !== 'media')
    return { kind: 'json', body: select(ctx, 'File', 'kind,id,name,mimeType', fileResource(ctx, file)) };
  if (file.mimeType.startsWith(GOOGLE_APPS))
    throw new GoogleError(403, {
      reason: 'fileNotDownloadable',
      message: 'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
      location: 'alt',
      locationType: 'parameter',
    });
  const total = contentSize(file.content) ?? 0;
  const headers: Record<string, string | number> = {
    'content-type': file.mimeType,
    'accept-ranges': 'bytes',
  };
  const range = /^bytes=(\d*)-(\d*)$/.exec(ctx.range ?? '');
  if (ctx.range && range && !ctx.options.ignoreRange) {
    let start = range[1] ? Number(range[1]) : Math.max(0, total - Number(range[2]));
    let end = range[1] && range[2] ? Number(range[2]) + 1 : total;
    end = Math.min(end, total);
    if (!range[1] && !range[2]) start = total;
    if (start >= total || start >= end) {
      return {
        kind: 'bytes',
        status: 416,
        headers: { 'content-range': `bytes */${total}`, 'content-length': 0 },
        stream: [],
      };
    }
    headers['content-range'] = `bytes ${start}-${end - 1}/${total}`;
    headers['content-length'] = end - start;
    return { kind: 'bytes', status: 206, headers, stream: streamRange(file, start, end) };
  }
  headers['content-length'] = total;
  return { kind: 'bytes', status: 200, headers, stream: streamRange(file, 0, total) };
}

function filesExport(ctx: HandlerContext): HandlerResult {
  // Export has no supportsAllDrives parameter: a shared-drive document exports all the same.
  const file = visibleFile(ctx, ctx.path.fileId!, true);
  const mime = ctx.query.get('mimeType')!;
  if (!EXPORT_FORMATS[file.mimeType])
    throw new GoogleError(403, {
      reason: 'fileNotExportable',
      message: 'Export only supports Docs Editors files.',
    });
  if (!exportFormats(file.mimeType, ctx.options.markdownExport).includes(mime))
    throw new GoogleError(400, {
      reason: 'badRequest',
      message: 'The requested conversion is not supported.',
      location: 'convertTo',
      locationType: 'parameter',
    });
  const bytes = renderExport(file, mime);
  if (bytes.length > EXPORT_LIMIT)
    throw new GoogleError(403, {
      reason: 'exportSizeLimitExceeded',
      message: 'This file is too large to be exported.',
    });
  return {
    kind: 'bytes',
    status: 200,
    headers: { 'content-type': mime, 'content-length': bytes.length },
    stream: [bytes],
  };
}

/** multipart/related as the client library sends uploads: JSON metadata, then the media. */
function parseMultipart(
  body: Buffer,
  contentType: string,
): { metadata: unknown; media: Buffer; mediaType: string } {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) throw invalidParam('uploadType', 'Bad multipart request.');
  const text = body.toString('latin1');
  const parts = text
    .split(`--${boundary}`)
    .slice(1)
    .filter((p) => !p.startsWith('--'))
    .map((p) => {
      const part = p.replace(/^\r\n/, '').replace(/\r\n$/, '');
      const split = part.indexOf('\r\n\r\n');
      const head = part.slice(0, split);
      return {
        type: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim() ?? '',
        data: part.slice(split + 4),
      };
    });
  if (parts.length !== 2) throw invalidParam('uploadType', 'Bad multipart request.');
  return {
    metadata: JSON.parse(Buffer.from(parts[0]!.data, 'latin1').toString('utf8')),
    media: Buffer.from(parts[1]!.data, 'latin1'),
    mediaType: parts[1]!.type,
  };
}

function uploadParts(ctx: HandlerContext): {
  metadata: Record<string, unknown>;
  media?: Buffer;
  mediaType?: string;
} {
  const body = ctx.body ?? Buffer.alloc(0);
  if (ctx.upload) {
    const type = ctx.query.get('uploadType');
    if (type === 'multipart') {
      const m = parseMultipart(body, ctx.contentType);
      return { metadata: m.metadata as Record<string, unknown>, media: m.media, mediaType: m.mediaType };
    }
    if (type === 'media') return { metadata: {}, media: body, mediaType: ctx.contentType };
    throw invalidParam('uploadType');
  }
  const metadata = body.length ? (JSON.parse(body.toString()) as Record<string, unknown>) : {};
  return { metadata };
}

function checkBody(schema: string, body: unknown): void {
  const validate = responseValidator(schema);
  if (!validate(body))
    throw new GoogleError(400, {
      reason: 'invalid',
      message: `Invalid JSON payload received. ${validate.errors?.[0]?.instancePath} ${validate.errors?.[0]?.message}`,
    });
}

function now(): string {
  return new Date().toISOString();
}

function filesCreate(ctx: HandlerContext): HandlerResult {
  const { metadata, media, mediaType } = uploadParts(ctx);
  checkBody('File', metadata);
  const supports = flag(ctx.query, 'supportsAllDrives');
  const parents = (metadata.parents as string[] | undefined) ?? ['root'];
  if (parents.length !== 1) throw invalidParam('parents', 'A file must have exactly one parent.');
  const parent = visibleFile(ctx, parents[0]!, supports);
  if (parent.mimeType !== FOLDER) throw invalidParam('parents', 'The parent is not a folder.');
  const isRoot = ctx.world.roots.get(ctx.principal) === parent.id;
  if (!isRoot && !atLeast(ctx.world.roleOf(parent, ctx.principal), 'writer'))
    throw insufficientFilePermissions();
  const mimeType =
    (metadata.mimeType as string | undefined) ?? mediaType?.split(';')[0] ?? 'application/octet-stream';
  const file = ctx.world.add({
    id: ctx.world.newId('new-'),
    name: (metadata.name as string | undefined) ?? 'Untitled',
    mimeType,
    description: metadata.description as string | undefined,
    parents: [parent.id],
    driveId: parent.driveId,
    owner: parent.driveId ? undefined : ctx.principal,
    createdTime: now(),
    modifiedTime: now(),
    content: media ? { kind: 'bytes', data: media } : { kind: 'none' },
    createdByApp: ctx.token.app,
  });
  return { kind: 'json', body: select(ctx, 'File', 'kind,id,name,mimeType', fileResource(ctx, file)) };
}

function filesUpdate(ctx: HandlerContext): HandlerResult {
  const file = visibleFile(ctx, ctx.path.fileId!, flag(ctx.query, 'supportsAllDrives'));
  if (!atLeast(ctx.world.roleOf(file, ctx.principal), 'writer')) throw insufficientFilePermissions();
  checkAppMayChange(ctx, file);
  const { metadata, media } = uploadParts(ctx);
  checkBody('File', metadata);
  if (media) {
    if (file.mimeType.startsWith(GOOGLE_APPS))
      throw invalidParam('uploadType', 'Media cannot be uploaded to a Google Docs Editors file here.');
    file.content = { kind: 'bytes', data: media };
  }
  if (typeof metadata.name === 'string') file.name = metadata.name;
  if (typeof metadata.description === 'string') file.description = metadata.description;
  file.version++;
  file.modifiedTime = now();
  return { kind: 'json', body: select(ctx, 'File', 'kind,id,name,mimeType', fileResource(ctx, file)) };
}

function permissionResource(
  ctx: HandlerContext,
  p: Permission,
  inheritedFrom?: string,
): Record<string, unknown> {
  const res: Record<string, unknown> = { kind: 'drive#permission', id: p.id, type: p.type, role: p.role };
  if (p.emailAddress) {
    res.emailAddress = p.emailAddress;
    res.displayName = ctx.world.users.get(p.emailAddress)?.displayName ?? p.emailAddress;
  }
  if (p.domain) res.domain = p.domain;
  if (p.allowFileDiscovery !== undefined) res.allowFileDiscovery = p.allowFileDiscovery;
  res.deleted = false;
  res.pendingOwner = false;
  if (inheritedFrom)
    res.permissionDetails = [{ permissionType: 'member', role: p.role, inherited: true, inheritedFrom }];
  return res;
}

function permissionsList(ctx: HandlerContext): HandlerResult {
  const file = visibleFile(ctx, ctx.path.fileId!, flag(ctx.query, 'supportsAllDrives'));
  const all = file.driveId
    ? [...(ctx.world.drives.get(file.driveId)?.members ?? [])].map(([email, role]) =>
        permissionResource(
          ctx,
          {
            id: ctx.world.users.get(email)?.permissionId ?? email,
            type: 'user',
            role: role as Permission['role'],
            emailAddress: email,
          },
          file.driveId,
        ),
      )
    : file.permissions.map((p) => permissionResource(ctx, p));
  const { offset, make } = pageToken(ctx, `perms:${file.id}`);
  const size = Number(ctx.query.get('pageSize') ?? 100);
  const body: Record<string, unknown> = {
    kind: 'drive#permissionList',
    permissions: all.slice(offset, offset + size),
  };
  if (offset + size < all.length) body.nextPageToken = make(offset + size);
  return {
    kind: 'json',
    body: select(ctx, 'PermissionList', 'kind,nextPageToken,permissions(kind,id,type,role)', body),
  };
}

function permissionsCreate(ctx: HandlerContext): HandlerResult {
  const file = visibleFile(ctx, ctx.path.fileId!, flag(ctx.query, 'supportsAllDrives'));
  if (!atLeast(ctx.world.roleOf(file, ctx.principal), 'writer')) throw insufficientFilePermissions();
  checkAppMayChange(ctx, file);
  const body = JSON.parse((ctx.body ?? Buffer.from('{}')).toString()) as Partial<Permission>;
  checkBody('Permission', body);
  if (!body.type || !body.role)
    throw invalidParam('permission', 'The permission type and role are required.');
  if ((body.type === 'user' || body.type === 'group') && !body.emailAddress)
    throw invalidParam('permission.emailAddress', 'The permission emailAddress field is required.');
  const perm: Permission = {
    id: body.type === 'anyone' ? 'anyoneWithLink' : ctx.world.newId('perm-'),
    type: body.type,
    role: body.role,
    emailAddress: body.emailAddress,
    domain: body.domain,
    allowFileDiscovery: body.allowFileDiscovery,
  };
  file.permissions.push(perm);
  return {
    kind: 'json',
    body: select(ctx, 'Permission', 'kind,id,type,role', permissionResource(ctx, perm)),
  };
}

function drivesList(ctx: HandlerContext): HandlerResult {
  if (ctx.query.has('q')) throw invalidParam('q', 'The stand-in does not search shared drives by query.');
  const drives = [...ctx.world.drives.values()]
    .filter((d) => d.members.has(ctx.principal))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((d) => ({
      kind: 'drive#drive',
      id: d.id,
      name: d.name,
      createdTime: d.createdTime,
      hidden: false,
      capabilities: {
        canAddChildren: atLeast(d.members.get(ctx.principal), 'writer'),
        canListChildren: true,
        canManageMembers: d.members.get(ctx.principal) === 'organizer',
        canShare: atLeast(d.members.get(ctx.principal), 'writer'),
      },
    }));
  const { offset, make } = pageToken(ctx, 'drives');
  const size = Number(ctx.query.get('pageSize') ?? 10);
  const body: Record<string, unknown> = {
    kind: 'drive#driveList',
    drives: drives.slice(offset, offset + size),
  };
  if (offset + size < drives.length) body.nextPageToken = make(offset + size);
  return { kind: 'json', body: select(ctx, 'DriveList', 'kind,nextPageToken,drives(kind,id,name)', body) };
}

function aboutGet(ctx: HandlerContext): HandlerResult {
  if (!ctx.query.get('fields'))
    throw new GoogleError(400, {
      reason: 'required',
      message: "The 'fields' parameter is required for this method.",
      location: 'fields',
      locationType: 'parameter',
    });
  const about = {
    kind: 'drive#about',
    user: user(ctx, ctx.principal),
    exportFormats: Object.fromEntries(
      Object.keys(EXPORT_FORMATS).map((m) => [m, exportFormats(m, ctx.options.markdownExport)]),
    ),
    importFormats: { 'text/plain': [DOC], 'text/csv': [SHEET] },
    maxUploadSize: '5242880000000',
    canCreateDrives: true,
    appInstalled: false,
    storageQuota: {
      limit: '16106127360',
      usage: '1073741824',
      usageInDrive: '1073741824',
      usageInDriveTrash: '0',
    },
  };
  return { kind: 'json', body: select(ctx, 'About', '', about) };
}

export const handlers: Record<string, Handler> = {
  'drive.files.list': filesList,
  'drive.files.get': filesGet,
  'drive.files.export': filesExport,
  'drive.files.create': filesCreate,
  'drive.files.update': filesUpdate,
  'drive.permissions.list': permissionsList,
  'drive.permissions.create': permissionsCreate,
  'drive.drives.list': drivesList,
  'drive.about.get': aboutGet,
};
