/** The stand-in's world: users, shared drives, files and their content. */

export const GOOGLE_APPS = 'application/vnd.google-apps.';
export const FOLDER = 'application/vnd.google-apps.folder';
export const DOC = 'application/vnd.google-apps.document';
export const SHEET = 'application/vnd.google-apps.spreadsheet';
export const SLIDES = 'application/vnd.google-apps.presentation';
export const DRAWING = 'application/vnd.google-apps.drawing';
export const SHORTCUT = 'application/vnd.google-apps.shortcut';

export interface User {
  email: string;
  displayName: string;
  permissionId: string;
}

export interface SharedDrive {
  id: string;
  name: string;
  createdTime: string;
  /** email -> role (organizer, fileOrganizer, writer, commenter, reader) */
  members: Map<string, string>;
}

export interface Permission {
  id: string;
  type: 'user' | 'group' | 'domain' | 'anyone';
  role: 'owner' | 'organizer' | 'fileOrganizer' | 'writer' | 'commenter' | 'reader';
  emailAddress?: string;
  domain?: string;
  allowFileDiscovery?: boolean;
}

export type Content =
  | { kind: 'bytes'; data: Buffer }
  /** Generated on demand, never held whole: the 50 MB binary. */
  | { kind: 'lazy'; size: number; chunk: (start: number, end: number) => Buffer }
  | { kind: 'doc'; markdown: () => string }
  | { kind: 'sheet'; sheets: { title: string; rows: string[][] }[] }
  | { kind: 'slides'; slides: string[][] }
  | { kind: 'none' };

export interface StandinFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  driveId?: string;
  /** My Drive files only; shared-drive files have no owner. */
  owner?: string;
  createdTime: string;
  modifiedTime: string;
  description?: string;
  trashed: boolean;
  starred: boolean;
  version: number;
  permissions: Permission[];
  content: Content;
  /** The app (OAuth client or service account) that created it through the API. */
  createdByApp?: string;
  /** For shortcuts: the file it points at. */
  shortcutTarget?: string;
}

export function contentSize(c: Content): number | undefined {
  if (c.kind === 'bytes') return c.data.length;
  if (c.kind === 'lazy') return c.size;
  return undefined;
}

export function contentBytes(c: Content, start = 0, end?: number): Buffer {
  if (c.kind === 'bytes') return c.data.subarray(start, end);
  if (c.kind === 'lazy') return c.chunk(start, Math.min(end ?? c.size, c.size));
  return Buffer.alloc(0);
}

export class World {
  readonly users = new Map<string, User>();
  readonly drives = new Map<string, SharedDrive>();
  readonly files = new Map<string, StandinFile>();
  /** Each principal's My Drive root folder id ('root' resolves to it). */
  readonly roots = new Map<string, string>();
  private nextId = 1;

  newId(prefix: string): string {
    return `${prefix}${String(this.nextId++).padStart(6, '0')}`;
  }

  addUser(email: string, displayName: string): User {
    const user = { email, displayName, permissionId: String(10_000 + this.users.size) };
    this.users.set(email, user);
    const rootId = `root-${email.split('@')[0]}`;
    this.roots.set(email, rootId);
    this.add({
      id: rootId,
      name: 'My Drive',
      mimeType: FOLDER,
      parents: [],
      owner: email,
      createdTime: '2025-01-01T00:00:00.000Z',
      modifiedTime: '2025-01-01T00:00:00.000Z',
      content: { kind: 'none' },
    });
    return user;
  }

  add(f: Partial<StandinFile> & Pick<StandinFile, 'id' | 'name' | 'mimeType' | 'content'>): StandinFile {
    const file: StandinFile = {
      parents: [],
      createdTime: '2026-01-05T09:00:00.000Z',
      modifiedTime: '2026-01-05T09:00:00.000Z',
      trashed: false,
      starred: false,
      version: 1,
      permissions: [],
      ...f,
    };
    if (file.owner && !file.permissions.some((p) => p.role === 'owner')) {
      file.permissions.unshift({
        id: this.users.get(file.owner)?.permissionId ?? file.owner,
        type: 'user',
        role: 'owner',
        emailAddress: file.owner,
      });
    }
    this.files.set(file.id, file);
    return file;
  }

  /** The role `email` holds on a file: its own permissions, or membership of its shared drive. */
  roleOf(file: StandinFile, email: string): string | undefined {
    if (file.driveId) return this.drives.get(file.driveId)?.members.get(email);
    const direct = file.permissions.find((p) => p.type === 'user' && p.emailAddress === email);
    if (direct) return direct.role;
    const domain = email.split('@')[1];
    return file.permissions.find((p) => p.type === 'domain' && p.domain === domain)?.role;
  }
}
