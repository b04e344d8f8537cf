import type { JsonObject } from '../spec/types.js';

export interface BaseUrlOptions {
  /** Overrides the spec's `servers` (and every operation-level one). */
  baseUrl?: string;
  /** Values for `{variables}` in the server URL; the spec's defaults fill the rest. */
  serverVariables?: Record<string, string>;
  /** Where the spec came from, when a URL: relative server URLs resolve against it. */
  sourceUrl?: string;
}

export class BaseUrlError extends Error {
  override name = 'BaseUrlError';
}

/** The URL of a `servers` entry with its variables filled in. */
export function serverUrl(server: JsonObject, options: BaseUrlOptions): URL {
  let url = typeof server.url === 'string' ? server.url : '';
  const variables = (server.variables ?? {}) as JsonObject;
  url = url.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const spec = variables[name] as JsonObject | undefined;
    const given = options.serverVariables?.[name];
    const value = given ?? (spec?.default !== undefined ? String(spec.default) : undefined);
    if (value === undefined)
      throw new BaseUrlError(`the server URL needs variable "${name}"; set it in serverVariables`);
    if (given !== undefined && Array.isArray(spec?.enum) && !spec.enum.map(String).includes(given)) {
      throw new BaseUrlError(`server variable "${name}" must be one of ${spec.enum.join(', ')}`);
    }
    return value;
  });
  return absolute(url, options);
}

function absolute(url: string, options: BaseUrlOptions): URL {
  try {
    return new URL(url);
  } catch {}
  if (options.sourceUrl) {
    try {
      return new URL(url || '/', options.sourceUrl);
    } catch {}
  }
  throw new BaseUrlError(
    url
      ? `the spec's server URL "${url.slice(0, 200)}" is relative; pass a base URL`
      : 'the spec lists no server; pass a base URL',
  );
}

/** The configured base URL: the override, else the spec's first server. Credentials go only to its origin. */
export function resolveBaseUrl(document: JsonObject, options: BaseUrlOptions): URL {
  if (options.baseUrl) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new BaseUrlError(`the base URL "${options.baseUrl.slice(0, 200)}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new BaseUrlError('the base URL must be http(s)');
    return url;
  }
  const servers = Array.isArray(document.servers) ? (document.servers as JsonObject[]) : [];
  const first = servers[0];
  if (!first) return absolute('', options);
  const url = serverUrl(first, options);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BaseUrlError(`the spec's server URL uses ${url.protocol}; pass an http(s) base URL`);
  }
  return url;
}

/** `https://api/v2` + `/pets/1` -> `https://api/v2/pets/1`. */
export function joinUrl(base: URL, path: string): URL {
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
  return url;
}
