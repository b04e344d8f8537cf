import path from 'node:path';

const BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.flac': 'audio/flac',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.opus': 'audio/opus',
  '.weba': 'audio/webm',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.wasm': 'application/wasm',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.css': 'text/css',
  '.csv': 'text/csv',
  '.xml': 'application/xml',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.cjs': 'text/javascript',
  '.ts': 'text/x-typescript',
  '.tsx': 'text/x-typescript',
  '.py': 'text/x-python',
  '.sh': 'text/x-shellscript',
};

/** Content signatures, for files whose name does not say what they are. */
const MAGIC: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'image/png'],
  [[0xff, 0xd8, 0xff], 'image/jpeg'],
  [[0x47, 0x49, 0x46, 0x38], 'image/gif'],
  [[0x25, 0x50, 0x44, 0x46], 'application/pdf'],
  [[0x49, 0x44, 0x33], 'audio/mpeg'],
  [[0x66, 0x4c, 0x61, 0x43], 'audio/flac'],
  [[0x4f, 0x67, 0x67, 0x53], 'audio/ogg'],
  [[0x50, 0x4b, 0x03, 0x04], 'application/zip'],
];

/** The MIME type of a file: by its extension, else by its first bytes, else octet-stream. */
export function mimeTypeOf(name: string, head?: Uint8Array): string {
  const known = BY_EXTENSION[path.extname(name).toLowerCase()];
  if (known) return known;
  if (head) {
    for (const [signature, type] of MAGIC) if (signature.every((byte, i) => head[i] === byte)) return type;
    const riff = head.length >= 12 && String.fromCharCode(...head.subarray(0, 4)) === 'RIFF';
    if (riff) {
      const kind = String.fromCharCode(...head.subarray(8, 12));
      if (kind === 'WEBP') return 'image/webp';
      if (kind === 'WAVE') return 'audio/wav';
    }
  }
  return 'application/octet-stream';
}

/** A MIME type of text a model can read directly. */
export function isTextMime(type: string): boolean {
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type === 'application/xml' ||
    type === 'application/yaml' ||
    type === 'image/svg+xml'
  );
}
