// POST /operator/session for Node 20+ (plain fetch): the browser gets a token, never the API key.
// Env: OPERATOR_API_KEY, OPERATOR_AGENT_ID, OPERATOR_ALLOWED_ORIGINS (comma-separated origins of your pages,
// e.g. https://app.example.com), OPERATOR_BASE_URL, OPERATOR_SESSION_BASE_URL, OPERATOR_CHANNEL (chat_realtime, the
// default, or chat_async: then the answer has no session_url) (and PORT when run directly).
import http from "node:http";
import net from "node:net";

const env = process.env;
const base = (env.OPERATOR_BASE_URL ?? "https://api.operator.xyz").replace(/\/+$/, "");
// The session socket lives on its own host: never derive it from the REST base or the create answer.
const sessionBase = (env.OPERATOR_SESSION_BASE_URL ?? "wss://agent.app.operator.xyz").replace(/\/+$/, "");
const allowedOrigins = new Set((env.OPERATOR_ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim().replace(/\/+$/, "")).filter(Boolean));
const ENDED = ["completed", "failed", "busy", "no-answer", "voicemail"];
const CHANNEL = env.OPERATOR_CHANNEL || "chat_realtime";
if (!["chat_realtime", "chat_async"].includes(CHANNEL)) throw new Error(`OPERATOR_CHANNEL must be chat_realtime or chat_async, not ${CHANNEL}`);
const MAX_BODY = 64 * 1024; // bytes read from the Operator API per answer
// Which conversation a caller resumes lives in YOUR session store (database, Redis, the user's server-side session),
// passed to handler() as `store` ({get(caller), set(caller, conversation)}, sync or async), so every instance of your
// backend sees the same; the demo server below uses a Map, which only one process sees.

// Every error answer is one of these fixed texts: upstream text never reaches the browser.
const ERRORS = {
  origin_not_allowed: [403, false, "this page may not request chat sessions"],
  rate_limited: [429, true, "too many session requests; retry later"],
  unauthorized: [401, false, "sign in before chatting"],
  upstream_auth: [502, false, "the chat backend is misconfigured"],
  upstream_rate_limited: [429, true, "the chat service is busy; retry later"],
  upstream_unavailable: [503, true, "the chat service is unavailable; retry later"],
  upstream_rejected: [502, false, "the chat service refused the request or answered unexpectedly"],
};
class Refusal extends Error {
  constructor(code, retryAfter = null) { super(code); this.code = code; this.retryAfter = retryAfter; }
}

// LOUD: a minimal per-address limit, 60 requests a minute, counted in a one-minute window per address (an IPv6
// address by its /64: one subscriber holds a whole /64). The map is capped: when it is full, the oldest window is
// dropped, so newcomers are never refused for lack of room. Behind a proxy every request has the proxy's address:
// then use your framework's limiter, keyed on the client address it trusts.
export class Limiter {
  constructor(limit = 60, windowMs = 60_000, maxAddresses = 10_000) {
    Object.assign(this, { limit, windowMs, maxAddresses, windows: new Map() }); // key -> {start, n}, oldest first
  }
  secondsToWait(address, now = Date.now()) { // 0 when the request may go on
    const key = clientKey(address);
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.delete(key); // re-inserted below, so the Map stays in window order
      if (this.windows.size >= this.maxAddresses) this.windows.delete(this.windows.keys().next().value);
      this.windows.set(key, (w = { start: now, n: 0 }));
    }
    if (w.n >= this.limit) return Math.ceil((w.start + this.windowMs - now) / 1000);
    w.n += 1;
    return 0;
  }
}
// The address an IPv4 client is counted by, or the /64 of an IPv6 one ("2001:db8:0:7::/64").
export function clientKey(address = "") {
  const bare = address.split("%")[0], mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1];
  if (!net.isIPv6(bare)) return bare;
  const groups = (s) => (s ? s.split(":") : []), width = (gs) => gs.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  const [head, tail] = bare.includes("::") ? bare.split("::").map(groups) : [groups(bare), []];
  const all = [...head, ...Array(8 - width(head) - width(tail)).fill("0"), ...tail];
  return `${all.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(":")}::/64`;
}
const limiter = new Limiter();

async function api(method, path, body) {
  const res = await fetch(base + path, { method, body: body && JSON.stringify(body), signal: AbortSignal.timeout(10_000),
    redirect: "manual", // a redirect is answered as an error, never followed with the key
    headers: { Authorization: `Bearer ${env.OPERATOR_API_KEY}`, "Operator-Version": "2025-06-19", "Content-Type": "application/json" },
  }).catch(() => { throw new Refusal("upstream_unavailable"); }); // unreachable or timed out
  const s = res.status;
  if (s === 404 && method === "GET") return null;
  if (!res.ok) { // 3xx included
    const retry = res.headers.get("retry-after");
    throw new Refusal(s === 401 || s === 403 ? "upstream_auth" : s === 429 ? "upstream_rate_limited"
      : s >= 500 ? "upstream_unavailable" : "upstream_rejected", /^\d{1,6}$/.test(retry) ? retry : null);
  }
  const chunks = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      if ((size += chunk.length) > MAX_BODY) throw new Refusal("upstream_rejected");
      chunks.push(chunk);
    }
  } catch (e) { throw e instanceof Refusal ? e : new Refusal("upstream_unavailable"); }
  try { return JSON.parse(Buffer.concat(chunks)); } catch { throw new Refusal("upstream_rejected"); }
}

const text = (v) => { if (typeof v !== "string" || !v) throw new Refusal("upstream_rejected"); return v; };
const conversation = (id) => `/conversations/${encodeURIComponent(id)}`;

export async function mintSession(caller, store) {
  let conv = await store.get(caller);
  if (conv) {
    const got = await api("GET", conversation(conv.id));
    if (!got || ENDED.includes(text(got.status)) || (conv.channel ?? "chat_realtime") !== CHANNEL) conv = null;
  }
  if (!conv) { // the documented create answer: {id, channel: {type, token, events_url}}
    const created = await api("POST", "/conversations", { agent_id: env.OPERATOR_AGENT_ID, channel: { type: CHANNEL } });
    conv = { id: text(created?.id), events_url: text(created.channel?.events_url), channel: CHANNEL };
    await store.set(caller, conv);
  }
  // The create answer carries no expiry, so the token always comes from a refresh, whose answer has
  // {token, expires_at}; it also replaces the caller's previous token.
  const minted = await api("POST", `${conversation(conv.id)}/token/refresh`);
  const session = { conversation_id: conv.id, channel: CHANNEL, token: text(minted?.token), expires_at: text(minted.expires_at),
    events_url: conv.events_url };
  // chat_async has no socket: the widget posts each message beside events_url.
  if (CHANNEL === "chat_realtime") session.session_url = `${sessionBase}${conversation(conv.id)}/session`;
  return session;
}

export async function handler(req, res, caller /* REPLACE: your signed-in user's id, or null */, store) {
  const send = (status, body, extra = {}) => {
    res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", ...extra });
    res.end(JSON.stringify(body));
  };
  const refuse = (code, retryAfter) => {
    const [status, transient, message] = ERRORS[code];
    send(status, { code, transient, message }, retryAfter ? { "Retry-After": String(retryAfter) } : {});
  };
  if (!allowedOrigins.has(req.headers.origin)) return refuse("origin_not_allowed"); // browsers always send Origin on POST
  const wait = limiter.secondsToWait(req.socket.remoteAddress);
  if (wait) return refuse("rate_limited", wait);
  if (!caller) return refuse("unauthorized");
  try { send(200, await mintSession(caller, store)); } catch (e) {
    if (!(e instanceof Refusal)) console.error("mint failed:", e); // a bug here, not an upstream answer
    refuse(e instanceof Refusal ? e.code : "upstream_rejected", e.retryAfter);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) { // demo server; trusts X-Demo-User, which real apps must not
  if (!allowedOrigins.size) console.error("OPERATOR_ALLOWED_ORIGINS is empty: every request will be refused");
  const demoStore = new Map(); // one process only: a real app passes its session store
  const server = http.createServer((req, res) => req.method === "POST" && req.url === "/operator/session" ? handler(req, res, req.headers["x-demo-user"], demoStore) : (res.writeHead(404), res.end()));
  server.listen(Number(env.PORT ?? 3000), "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
}
