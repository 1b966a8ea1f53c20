// POST /operator/session for Node 20+ (plain fetch): the browser gets a token, never the API key.
// Env: OPERATOR_BASE_URL, OPERATOR_API_KEY, OPERATOR_AGENT_ID (and PORT when run directly).
import http from "node:http";

const base = (process.env.OPERATOR_BASE_URL ?? "https://api.operator.xyz").replace(/\/+$/, "");
const ENDED = ["completed", "failed", "busy", "no-answer", "voicemail"];
const current = new Map(); // caller -> {id, events_url, session_url}; use your database in production

async function api(method, path, body) {
  const res = await fetch(base + path, { method, body: body && JSON.stringify(body), signal: AbortSignal.timeout(15000),
    headers: { Authorization: `Bearer ${process.env.OPERATOR_API_KEY}`, "Operator-Version": "2025-06-19", "Content-Type": "application/json" } });
  if (res.status === 404 && method === "GET") return null;
  if (!res.ok) throw Object.assign(new Error(`Operator API answered ${res.status}`), { status: res.status, retryAfter: res.headers.get("retry-after") });
  return res.json();
}

export async function mintSession(caller) {
  let conv = current.get(caller);
  if (conv && ENDED.includes((await api("GET", `/conversations/${conv.id}`))?.status ?? "completed")) conv = null;
  if (!conv) {
    const { id, channel } = await api("POST", "/conversations", { agent_id: process.env.OPERATOR_AGENT_ID, channel: { type: "chat_realtime" } });
    conv = { id, events_url: channel.events_url ?? `${base}/conversations/${id}/events`,
      session_url: channel.session_url ?? `${base.replace(/^http/, "ws")}/conversations/${id}/session` };
    current.set(caller, conv);
  }
  const { token, expires_at } = await api("POST", `/conversations/${conv.id}/token/refresh`);
  return { conversation_id: conv.id, token, expires_at, events_url: conv.events_url, session_url: conv.session_url };
}

export async function handler(req, res, caller /* REPLACE: your signed-in user's id, or null */) {
  const send = (status, body, extra = {}) => { res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store", ...extra }); res.end(JSON.stringify(body)); };
  if (!caller) return send(401, { code: "unauthorized", transient: false, message: "sign in before chatting" });
  try { send(200, await mintSession(caller)); } catch (e) {
    const s = e.status ?? 503, transient = s === 429 || s >= 500, auth = s === 401 || s === 403;
    const [status, code] = auth ? [502, "upstream_auth"] : s === 429 ? [429, "upstream_rate_limited"] : transient ? [503, "upstream_unavailable"] : [502, "upstream_rejected"];
    send(status, { code, transient, message: e.message }, e.retryAfter ? { "Retry-After": e.retryAfter } : {});
  }
}

if (import.meta.url === `file://${process.argv[1]}`) { // demo server; trusts X-Demo-User, which real apps must not
  const server = http.createServer((req, res) => req.method === "POST" && req.url === "/operator/session" ? handler(req, res, req.headers["x-demo-user"]) : (res.writeHead(404), res.end()));
  server.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
}
