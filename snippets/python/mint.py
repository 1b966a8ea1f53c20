"""POST /operator/session, standard library only: the browser gets a token, never the API key.
Env: OPERATOR_BASE_URL, OPERATOR_API_KEY, OPERATOR_AGENT_ID (and PORT when run directly)."""
import json, os, urllib.error, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE = os.environ.get("OPERATOR_BASE_URL", "https://api.operator.xyz").rstrip("/")
current = {}  # caller -> {id, events_url, session_url}; use your database in production

def api(method, path, body=None):
    req = urllib.request.Request(BASE + path, method=method, data=body and json.dumps(body).encode(), headers={
        "Authorization": "Bearer " + os.environ["OPERATOR_API_KEY"], "Operator-Version": "2025-06-19", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=15) as res: return json.load(res)
    except urllib.error.HTTPError as e:
        if e.code != 404 or method != "GET": raise

def mint_session(caller):
    conv = current.get(caller)
    if conv and (api("GET", f"/conversations/{conv['id']}") or {"status": "completed"})["status"] in {"completed", "failed", "busy", "no-answer", "voicemail"}: conv = None
    if not conv:
        c = api("POST", "/conversations", {"agent_id": os.environ.get("OPERATOR_AGENT_ID"), "channel": {"type": "chat_realtime"}}); ch = c["channel"]
        conv = current[caller] = {"id": c["id"], "events_url": ch.get("events_url") or f"{BASE}/conversations/{c['id']}/events",
                                  "session_url": ch.get("session_url") or BASE.replace("http", "ws", 1) + f"/conversations/{c['id']}/session"}
    minted = api("POST", f"/conversations/{conv['id']}/token/refresh")
    return {"conversation_id": conv["id"], "token": minted["token"], "expires_at": minted["expires_at"], "events_url": conv["events_url"], "session_url": conv["session_url"]}

def answer(caller):  # -> (status, body, extra headers). REPLACE caller: your signed-in user's id, or None
    if not caller: return 401, {"code": "unauthorized", "transient": False, "message": "sign in before chatting"}, {}
    try: return 200, mint_session(caller), {}
    except urllib.error.HTTPError as e: s, retry = e.code, e.headers.get("Retry-After")
    except OSError: s, retry = 503, None  # unreachable or timed out
    code = {401: "upstream_auth", 403: "upstream_auth", 429: "upstream_rate_limited"}.get(s, "upstream_unavailable" if s >= 500 else "upstream_rejected")
    body = {"code": code, "transient": s == 429 or s >= 500, "message": f"Operator API answered {s}"}
    return (429 if s == 429 else 503 if s >= 500 else 502), body, ({"Retry-After": retry} if retry else {})

class Handler(BaseHTTPRequestHandler):  # demo server; trusts X-Demo-User, which real apps must not
    def do_POST(self):
        status, body, extra = answer(self.headers.get("X-Demo-User")) if self.path == "/operator/session" else (404, {}, {})
        data = json.dumps(body).encode(); self.send_response(status)
        for k, v in {"Content-Type": "application/json", "Cache-Control": "no-store", "Content-Length": str(len(data)), **extra}.items(): self.send_header(k, v)
        self.end_headers(); self.wfile.write(data)

if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "3000"))), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True); server.serve_forever()
