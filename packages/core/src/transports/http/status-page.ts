import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Runtime } from '../../runtime/runtime.js';
import { type HealthEntry, servedParts } from './served.js';

export interface StatusSources {
  /** The MCP endpoint's URL as clients use it. */
  readonly url: URL;
  /** Whether callers need a bearer token. */
  readonly authenticated: boolean;
  sessions(): number;
  health?: () => Promise<readonly HealthEntry[]>;
}

/** What the page shows, also served as JSON (`/?format=json`) for scripts. */
export async function statusSnapshot(runtime: Runtime, sources: StatusSources) {
  const module = runtime.module;
  const stats = runtime.stats;
  const totals = [...stats.totals()].map(([key, t]) => {
    const [kind, ...name] = key.split(':');
    return { kind, name: name.join(':'), calls: t.calls, errors: t.errors };
  });
  const health = sources.health ? await sources.health().catch(() => []) : [];
  return {
    name: module.name,
    version: module.version,
    startedAt: new Date(stats.startedAt).toISOString(),
    now: new Date().toISOString(),
    url: sources.url.href,
    authenticated: sources.authenticated,
    eras: ['2025-11-25 (sessions; earlier 2025 revisions too)', '2026-07-28 (stateless)'],
    servers: servedParts(module),
    counts: {
      tools: module.tools.length,
      resources: module.resources.length + module.resourceTemplates.length,
      prompts: module.prompts.length,
    },
    sessions: sources.sessions(),
    inFlight: stats.inFlight,
    health: health.map((h) => ({ name: h.name, state: h.state, detail: h.detail ?? '' })),
    totals,
    recent: stats.recent().map((r) => ({
      kind: r.kind,
      name: r.name,
      result: r.result,
      ms: Math.round(r.durationMs),
      at: new Date(r.at).toISOString(),
    })),
  };
}

/**
 * `/`: a read-only page of what this process serves, for an operator with a browser. The data is
 * embedded as JSON and drawn by a small inline script (allowed by a per-response nonce; nothing
 * else may load), so the page needs no external asset and no second request.
 */
export async function serveStatusPage(
  runtime: Runtime,
  sources: StatusSources,
  res: ServerResponse,
  options: { head: boolean; json: boolean },
): Promise<void> {
  const snapshot = await statusSnapshot(runtime, sources);
  if (options.json) {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(options.head ? undefined : JSON.stringify(snapshot));
    return;
  }
  const nonce = randomBytes(16).toString('base64');
  const data = JSON.stringify(snapshot).replace(/</g, '\\u003c');
  const html = PAGE.replaceAll('{{nonce}}', nonce)
    .replace('{{title}}', escapeHtml(`${snapshot.name} ${snapshot.version}: mcpkit status`))
    .replace('{{data}}', data);
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(options.head ? undefined : html);
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style nonce="{{nonce}}">
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25rem .6rem; border-bottom: 1px solid #ddd; }
th { font-weight: 600; background: #f6f6f6; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.up { color: #176b2c; } .down { color: #b00020; } .starting, .unknown { color: #8a6d00; }
.ok { color: #176b2c; } .error, .rate_limited, .timeout, .cancelled { color: #b00020; }
pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; } .muted { color: #666; }
</style>
</head>
<body>
<h1 id="title">mcpkit</h1>
<p class="muted" id="summary"></p>
<h2>Servers</h2>
<table id="servers"><thead><tr><th>Server</th><th class="n">Tools</th><th class="n">Read-only</th><th class="n">Can destroy</th></tr></thead><tbody></tbody></table>
<p id="eras" class="muted"></p>
<h2>Health</h2>
<table id="health"><thead><tr><th>Dependency</th><th>State</th><th>Detail</th></tr></thead><tbody></tbody></table>
<h2>Calls</h2>
<table id="totals"><thead><tr><th>Name</th><th>Kind</th><th class="n">Calls</th><th class="n">Errors</th></tr></thead><tbody></tbody></table>
<h2>Recent calls</h2>
<table id="recent"><thead><tr><th>When</th><th>Name</th><th>Outcome</th><th class="n">ms</th></tr></thead><tbody></tbody></table>
<h2>Connect</h2>
<div id="connect"></div>
<script type="application/json" id="status-data">{{data}}</script>
<script nonce="{{nonce}}">
(() => {
  const s = JSON.parse(document.getElementById('status-data').textContent);
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); if (cls) e.className = cls; return e; };
  const row = (cells) => { const tr = el('tr'); for (const c of cells) tr.append(c instanceof Node ? c : el('td', c)); return tr; };
  const num = (n) => el('td', n, 'n');
  const fill = (id, rows, empty) => {
    const body = document.querySelector('#' + id + ' tbody');
    if (!rows.length) { const td = el('td', empty, 'muted'); td.colSpan = 4; body.append(row([td])); return; }
    for (const r of rows) body.append(r);
  };
  const ago = (iso) => { const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000)); return s < 90 ? s + ' s ago' : s < 5400 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago'; };
  document.getElementById('title').textContent = s.name + ' ' + s.version;
  const count = (n, what) => n + ' ' + what + (n === 1 ? '' : 's');
  document.getElementById('summary').textContent = count(s.counts.tools, 'tool') + ', ' + count(s.counts.resources, 'resource') + ', ' + count(s.counts.prompts, 'prompt') + '; ' +
    count(s.sessions, 'session') + ' open, ' + count(s.inFlight, 'call') + ' running; up since ' + new Date(s.startedAt).toLocaleString() + ' (' + ago(s.startedAt) + ')';
  fill('servers', s.servers.map((p) => row([el('td', p.name, 'server'), num(p.tools), num(p.readOnlyTools), num(p.destructiveTools)])), 'nothing served');
  document.getElementById('eras').textContent = 'Protocol eras served at ' + s.url + ': ' + s.eras.join('; ');
  fill('health', s.health.map((h) => row([h.name, el('td', h.state, h.state), h.detail])), 'no databases or upstreams reported');
  fill('totals', s.totals.map((t) => row([t.name, t.kind, num(t.calls), num(t.errors)])), 'no calls yet');
  fill('recent', s.recent.map((r) => row([ago(r.at), r.name, el('td', r.result.replace('_', ' '), r.result), num(r.ms)])), 'no calls yet');
  const connect = document.getElementById('connect');
  const entry = { mcpServers: { [s.name]: { type: 'http', url: s.url } } };
  if (s.authenticated) entry.mcpServers[s.name].headers = { Authorization: 'Bearer <token>' };
  connect.append(el('p', 'MCP endpoint (Streamable HTTP): ' + s.url + (s.authenticated ? ' (bearer token required)' : '')));
  connect.append(el('p', 'A client config entry (Claude Code, Cursor and most hosts):'));
  connect.append(el('pre', JSON.stringify(entry, null, 2)));
  connect.append(el('p', 'From a terminal: mcpkit tools ' + s.url + '   or   mcpkit call ' + s.url + ' <tool> key=value'));
})();
</script>
</body>
</html>
`;
