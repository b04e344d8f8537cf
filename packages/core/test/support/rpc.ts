import { type AuthInfo, createMcpHandler, type McpServerFactory } from '@modelcontextprotocol/server';

/**
 * Raw 2026-07-28 requests through the SDK's own HTTP handler, in process: for what the SDK
 * client hides (input_required rounds, request state, task results) and for several callers.
 */
export function modernRpc(factory: McpServerFactory) {
  const handler = createMcpHandler(factory);
  let id = 0;
  const rpc = async (
    method: string,
    params: Record<string, unknown>,
    options: {
      auth?: AuthInfo;
      capabilities?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ): Promise<any> => {
    const name = (params.name ?? params.taskId) as string | undefined;
    const request = new Request('http://in-process.invalid/mcp', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': method,
        ...(name ? { 'mcp-name': name } : {}),
        ...options.headers,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: ++id,
        method,
        params: {
          ...params,
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': options.capabilities ?? {},
          },
        },
      }),
    });
    const response = await handler.fetch(request, options.auth ? { authInfo: options.auth } : {});
    if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      return (await response.text())
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => JSON.parse(line.slice(6)))
        .find((message) => 'result' in message || 'error' in message);
    }
    return { status: response.status, ...((await response.json()) as object) };
  };
  return { rpc, close: () => handler.close() };
}
