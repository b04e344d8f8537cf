import type { ServerResponse } from 'node:http';

/** Writes a fetch Response (a refusal, a 404) to a node response; `close` ends the connection after it. */
export function sendResponse(res: ServerResponse, response: Response, close = false): void {
  void response.text().then((text) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) headers[name] = value;
    if (close) headers.connection = 'close';
    res.writeHead(response.status, headers);
    res.end(text);
  });
}
