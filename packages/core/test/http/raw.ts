import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The JSON-RPC messages in the body (a JSON body, or every SSE `data:` line). */
  messages: any[];
}

export interface RawOptions {
  method?: string;
  /** Header values; an array sends the header several times. */
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Stop reading an SSE body after this many messages (streams stay open otherwise). */
  maxMessages?: number;
}

function messagesOf(text: string, contentType: string | undefined): any[] {
  if (!text) return [];
  if (contentType?.startsWith('text/event-stream')) {
    return text
      .split('\n')
      .filter((line) => line.startsWith('data:') && line.slice(5).trim())
      .map((line) => JSON.parse(line.slice(5)));
  }
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? value : [value];
  } catch {
    return [];
  }
}

/** One HTTP exchange with full control of the headers (a forged Host, two Authorization lines). */
export function raw(url: URL, options: RawOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (
          options.maxMessages &&
          messagesOf(text, res.headers['content-type']).length >= options.maxMessages
        ) {
          res.destroy();
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            text,
            messages: messagesOf(text, res.headers['content-type']),
          });
        }
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          text,
          messages: messagesOf(text, res.headers['content-type']),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

export function initializeBody(protocolVersion = '2025-06-18', id: number | string = 1): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
  });
}

/** Opens a 2025-era session by hand; returns its id and the headers later requests need. */
export async function openSession(
  url: URL,
  protocolVersion = '2025-06-18',
  extra: Record<string, string> = {},
): Promise<{ sessionId: string; headers: Record<string, string> }> {
  const init = await raw(url, {
    headers: { ...JSON_HEADERS, ...extra },
    body: initializeBody(protocolVersion),
  });
  if (init.status !== 200) throw new Error(`initialize failed: ${init.status} ${init.text}`);
  const sessionId = init.headers['mcp-session-id'] as string;
  const headers = {
    ...JSON_HEADERS,
    ...extra,
    'mcp-session-id': sessionId,
    'mcp-protocol-version': protocolVersion,
  };
  const initialized = await raw(url, {
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  if (initialized.status !== 202) throw new Error(`initialized failed: ${initialized.status}`);
  return { sessionId, headers };
}

/** The 2026-07-28 envelope a modern request carries (what the SDK client sends). */
export function modernRequest(method: string, id: number | string, params: Record<string, unknown> = {}) {
  return {
    headers: { ...JSON_HEADERS, 'mcp-protocol-version': '2026-07-28', 'mcp-method': method },
    message: {
      jsonrpc: '2.0',
      id,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1.0.0' },
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    },
  };
}
