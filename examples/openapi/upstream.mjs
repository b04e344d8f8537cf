// A small stateful stand-in for jsonplaceholder.yaml: users and posts in memory, writes behind a bearer
// token, JSON errors as the spec declares them. Plain Node, no dependencies, 127.0.0.1 only.
//
//   PLACEHOLDER_TOKEN=secret node examples/openapi/upstream.mjs [port]     (default 4010)
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const WORDS =
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore'.split(
    ' ',
  );

function sentence(seed, count) {
  const out = [];
  for (let i = 0; i < count; i++) out.push(WORDS[(seed * 7 + i * 3) % WORDS.length]);
  return out.join(' ');
}

function seedData() {
  const users = [];
  const posts = [];
  for (let u = 1; u <= 10; u++) {
    users.push({
      id: u,
      name: `User ${u}`,
      username: `user${u}`,
      email: `user${u}@example.com`,
      website: `user${u}.example.com`,
    });
    for (let p = 1; p <= 10; p++) {
      const id = (u - 1) * 10 + p;
      posts.push({ id, userId: u, title: sentence(id, 5), body: sentence(id + 1, 30) });
    }
  }
  return { users, posts, nextPostId: posts.length + 1 };
}

function page(items, query) {
  const limit = Math.min(Math.max(Number(query.get('_limit') ?? 10) || 10, 1), 100);
  const pageNumber = Math.max(Number(query.get('_page') ?? 1) || 1, 1);
  return items.slice((pageNumber - 1) * limit, pageNumber * limit);
}

/** Start the stand-in; resolves to { url, port, state, close() }. */
export async function startUpstream({
  port = 0,
  host = '127.0.0.1',
  token = process.env.PLACEHOLDER_TOKEN,
} = {}) {
  const state = seedData();
  const server = createServer(async (req, res) => {
    const send = (status, value, headers = {}) => {
      const body = value === undefined ? '' : JSON.stringify(value);
      res.writeHead(status, { ...(body ? { 'content-type': 'application/json' } : {}), ...headers });
      res.end(body);
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    let raw = '';
    for await (const chunk of req) {
      raw += chunk;
      if (raw.length > 1_000_000) return send(413, { error: 'body over 1 MB' });
    }
    const write = method !== 'GET' && method !== 'HEAD';
    if (write && token && req.headers.authorization !== `Bearer ${token}`) {
      return send(401, { error: 'a bearer token is required' }, { 'www-authenticate': 'Bearer' });
    }
    let body;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(400, { error: 'the body is not JSON' });
      }
    }
    const id = Number(parts[1]);
    if (parts[0] === 'users') {
      if (parts.length === 1 && method === 'GET') return send(200, page(state.users, url.searchParams));
      const user = state.users.find((u) => u.id === id);
      if (!user) return send(404, { error: `no user ${parts[1]}` });
      if (parts.length === 2 && method === 'GET') return send(200, user);
      if (parts[2] === 'posts' && method === 'GET') {
        return send(
          200,
          page(
            state.posts.filter((p) => p.userId === id),
            url.searchParams,
          ),
        );
      }
    }
    if (parts[0] === 'posts') {
      if (parts.length === 1 && method === 'GET') {
        const userId = url.searchParams.get('userId');
        const list = userId ? state.posts.filter((p) => p.userId === Number(userId)) : state.posts;
        return send(200, page(list, url.searchParams));
      }
      if (parts.length === 1 && method === 'POST') {
        if (!body || typeof body !== 'object') return send(400, { error: 'a post object is required' });
        if (!state.users.some((u) => u.id === body.userId))
          return send(400, { error: `userId ${body.userId} does not exist` });
        if (typeof body.title !== 'string' || !body.title) return send(400, { error: 'title is required' });
        const post = {
          id: state.nextPostId++,
          userId: body.userId,
          title: body.title,
          body: String(body.body ?? ''),
        };
        state.posts.push(post);
        return send(201, post, { location: `/posts/${post.id}` });
      }
      const index = state.posts.findIndex((p) => p.id === id);
      if (index < 0) return send(404, { error: `no post ${parts[1]}` });
      if (method === 'GET') return send(200, state.posts[index]);
      if (method === 'PATCH') {
        const post = state.posts[index];
        if (typeof body?.title === 'string') post.title = body.title;
        if (typeof body?.body === 'string') post.body = body.body;
        return send(200, post);
      }
      if (method === 'DELETE') {
        state.posts.splice(index, 1);
        return send(204);
      }
    }
    return send(404, { error: `no route ${method} ${url.pathname}` });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    state,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.argv[2] ?? 4010);
  const upstream = await startUpstream({ port });
  process.stderr.write(`jsonplaceholder stand-in on ${upstream.url}\n`);
}
