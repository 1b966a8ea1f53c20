// The loopback server of `bench embed`: the article pages and their files, the peers' files from
// xtask/bench/node_modules (`/npm/<package>/<file>`), bundles built for the run (`/bundles/`),
// and `/pkg/`, `/operator/` and `/demo/` passed through to the token server, so that every
// widget is served from one origin. Bodies go out uncompressed, as the token server sends them; for each path
// served it keeps the body, whose size raw and with brotli -11 (what a CDN would send) `sizeOf`
// gives.
import { createServer, request as httpRequest } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
};

export function brotli(bytes) {
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }).length;
}

/** `root` joined with the URL path `rest`, or null if it would leave `root`. */
function inside(root, rest) {
  const path = normalize(join(root, decodeURIComponent(rest)));
  return path === root || path.startsWith(root + sep) ? path : null;
}

/**
 * Starts the server on 127.0.0.1 (a free port). `pages`: URL path → HTML text; `dirs`: URL prefix
 * (`/article/`) → directory; `upstream`: the token server's origin for `/pkg/`, `/operator/` and `/demo/`.
 */
export async function startServer({ pages, dirs, upstream }) {
  // Brotli is computed when asked for (after a page load), never while serving: quality 11
  // takes seconds on a large bundle, and this process also runs the browser's routing.
  const served = new Map(); // path → { body, key }
  const brotliOf = new Map(); // body key → brotli bytes
  const note = (path, body, key) => served.set(path, { body, key });
  const sizeOf = (path) => {
    const s = served.get(path);
    if (!s) return null;
    let b = brotliOf.get(s.key);
    if (b === undefined) {
      b = brotli(s.body);
      brotliOf.set(s.key, b);
    }
    return { raw: s.body.length, brotli: b };
  };
  const up = new URL(upstream);

  const send = (res, status, type, body) => {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
    });
    res.end(body);
  };

  const proxy = (req, res, path, origin) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const headers = { ...req.headers, host: up.host };
      // The page is same-origin with its session endpoint: present it to the token server as
      // its own origin, as a reverse proxy in front of it would.
      if (headers.origin === origin) headers.origin = up.origin;
      if (headers.referer?.startsWith(origin)) headers.referer = up.origin + headers.referer.slice(origin.length);
      const out = httpRequest(
        { host: up.hostname, port: up.port, method: req.method, path: req.url, headers },
        (upRes) => {
          const body = [];
          upRes.on('data', (c) => body.push(c));
          upRes.on('end', () => {
            const bytes = Buffer.concat(body);
            note(path, bytes, `${req.method} ${path} ${bytes.length}`);
            const h = { ...upRes.headers };
            delete h['content-length'];
            delete h['transfer-encoding'];
            delete h.connection;
            res.writeHead(upRes.statusCode ?? 502, { ...h, 'Content-Length': bytes.length });
            res.end(bytes);
          });
        },
      );
      out.on('error', (e) => send(res, 502, 'text/plain', Buffer.from(String(e))));
      out.end(Buffer.concat(chunks));
    });
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const origin = `http://${req.headers.host}`;
    try {
      if (['/pkg/', '/operator/', '/demo/'].some((p) => path.startsWith(p))) return proxy(req, res, path, origin);
      if (pages.has(path)) {
        const body = Buffer.from(pages.get(path));
        note(path, body, `page ${path}`);
        return send(res, 200, TYPES['.html'], body);
      }
      for (const [prefix, dir] of Object.entries(dirs)) {
        if (!path.startsWith(prefix)) continue;
        const file = inside(dir, path.slice(prefix.length));
        if (!file) break;
        const body = await readFile(file);
        note(path, body, file);
        return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', body);
      }
      send(res, 404, 'text/plain', Buffer.from('not found'));
    } catch (e) {
      send(res, e.code === 'ENOENT' || e.code === 'EISDIR' ? 404 : 500, 'text/plain', Buffer.from(String(e.code ?? e)));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    /** The raw and brotli -11 bytes of the body last served for `path`, if any. */
    sizeOf,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
