"""POST /operator/session, standard library only: the browser gets a token, never the API key.
Env: OPERATOR_API_KEY, OPERATOR_AGENT_ID, OPERATOR_ALLOWED_ORIGINS (comma-separated origins of your pages,
e.g. https://app.example.com), OPERATOR_BASE_URL, OPERATOR_SESSION_BASE_URL, OPERATOR_CHANNEL (chat_realtime, the
default, or chat_async: then the answer has no session_url) (and PORT when run directly)."""
import http.client, ipaddress, json, logging, math, os, re, socket, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE = os.environ.get("OPERATOR_BASE_URL", "https://api.operator.xyz").rstrip("/")
# The session socket lives on its own host: never derive it from the REST base or the create answer.
SESSION_BASE = os.environ.get("OPERATOR_SESSION_BASE_URL", "wss://agent.app.operator.xyz").rstrip("/")
ALLOWED_ORIGINS = set(filter(None, (o.strip().rstrip("/") for o in os.environ.get("OPERATOR_ALLOWED_ORIGINS", "").split(","))))
ENDED = {"completed", "failed", "busy", "no-answer", "voicemail"}
CHANNEL = os.environ.get("OPERATOR_CHANNEL") or "chat_realtime"
if CHANNEL not in ("chat_realtime", "chat_async"): raise SystemExit(f"OPERATOR_CHANNEL must be chat_realtime or chat_async, not {CHANNEL}")
MAX_BODY = 64 * 1024  # bytes read from the Operator API per answer
TIMEOUT_S = 10  # for a whole Operator API call, answer included
# Which conversation a caller resumes lives in YOUR session store (database, Redis, the user's server-side
# session), passed to answer() as `store` (anything with .get(caller) and store[caller] = ...), so every instance
# of your backend sees the same; the demo server below uses a dict, which only one process sees.

# Every error answer is one of these fixed texts: upstream text never reaches the browser.
ERRORS = {
    "origin_not_allowed": (403, False, "this page may not request chat sessions"),
    "rate_limited": (429, True, "too many session requests; retry later"),
    "unauthorized": (401, False, "sign in before chatting"),
    "upstream_auth": (502, False, "the chat backend is misconfigured"),
    "upstream_rate_limited": (429, True, "the chat service is busy; retry later"),
    "upstream_unavailable": (503, True, "the chat service is unavailable; retry later"),
    "upstream_rejected": (502, False, "the chat service refused the request or answered unexpectedly"),
}

class Refusal(Exception):
    def __init__(self, code, retry_after=None): super().__init__(code); self.code, self.retry_after = code, retry_after

def client_key(address):  # the address an IPv4 client is counted by, or the /64 of an IPv6 one
    try: ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError: return address
    if ip.version == 4: return str(ip)
    if ip.ipv4_mapped: return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network((ip, 64), strict=False))  # one subscriber holds a whole /64

class Limiter:
    """LOUD: a minimal per-address limit, 60 requests a minute, counted in a one-minute window per address (an
    IPv6 address by its /64). The map is capped: when it is full, the oldest window is dropped, so newcomers are
    never refused for lack of room. Behind a proxy every request has the proxy's address: then use your
    framework's limiter, keyed on the client address it trusts."""
    def __init__(self, limit=60, window_s=60, max_addresses=10_000):
        self.limit, self.window_s, self.max_addresses = limit, window_s, max_addresses
        self.windows, self.lock = {}, threading.Lock()  # key -> [start, n], oldest window first

    def seconds_to_wait(self, address, now=None):  # 0 when the request may go on
        key, now = client_key(address), time.monotonic() if now is None else now
        with self.lock:
            w = self.windows.get(key)
            if w is None or now - w[0] >= self.window_s:
                self.windows.pop(key, None)  # re-inserted below, so the dict stays in window order
                if len(self.windows) >= self.max_addresses: del self.windows[next(iter(self.windows))]
                w = self.windows[key] = [now, 0]
            if w[1] >= self.limit: return max(1, math.ceil(w[0] + self.window_s - now))
            w[1] += 1; return 0

limiter = Limiter()

def cut(conn, fired):  # at the deadline: a socket timeout alone restarts on every read, so a slow drip never ends
    fired.set()
    try: conn.sock and conn.sock.shutdown(socket.SHUT_RDWR)
    except OSError: pass

def api(method, path, body=None):
    url = urllib.parse.urlsplit(BASE + path)
    # http.client follows no redirect: a 3xx is answered as an error, never followed with the key.
    conn = (http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection)(url.hostname, url.port, timeout=TIMEOUT_S)
    fired = threading.Event(); deadline = threading.Timer(TIMEOUT_S, cut, [conn, fired]); deadline.start()
    try:
        conn.request(method, url.path, body=body and json.dumps(body).encode(), headers={
            "Authorization": "Bearer " + os.environ["OPERATOR_API_KEY"], "Operator-Version": "2025-06-19", "Content-Type": "application/json"})
        res = conn.getresponse(); data = res.read(MAX_BODY + 1)
    except (OSError, http.client.HTTPException): raise Refusal("upstream_unavailable")  # unreachable, timed out, not HTTP
    finally: deadline.cancel(); conn.close()
    if fired.is_set(): raise Refusal("upstream_unavailable")  # cut short: what arrived is not the whole answer
    if res.status == 404 and method == "GET": return None
    if not 200 <= res.status < 300:  # 3xx included
        code = {401: "upstream_auth", 403: "upstream_auth", 429: "upstream_rate_limited"}.get(res.status)
        retry = res.getheader("Retry-After", "").strip()
        raise Refusal(code or ("upstream_unavailable" if res.status >= 500 else "upstream_rejected"), retry if re.fullmatch(r"[0-9]{1,6}", retry) else None)
    if len(data) > MAX_BODY: raise Refusal("upstream_rejected")
    try: return json.loads(data)
    except ValueError: raise Refusal("upstream_rejected")

def text(obj, key):  # a non-empty string field of an upstream answer, or a clear refusal
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, str) or not value: raise Refusal("upstream_rejected")
    return value

def conversation(conv_id): return "/conversations/" + urllib.parse.quote(conv_id, safe="")

def mint_session(caller, store):
    conv = store.get(caller)
    if conv:
        got = api("GET", conversation(conv["id"]))
        if got is None or text(got, "status") in ENDED or conv.get("channel", "chat_realtime") != CHANNEL: conv = None
    if not conv:  # the documented create answer: {id, channel: {type, token, events_url}}
        created = api("POST", "/conversations", {"agent_id": os.environ.get("OPERATOR_AGENT_ID"), "channel": {"type": CHANNEL}})
        conv = store[caller] = {"id": text(created, "id"), "events_url": text(created.get("channel"), "events_url"), "channel": CHANNEL}
    # The create answer carries no expiry, so the token always comes from a refresh, whose answer has
    # {token, expires_at}; it also replaces the caller's previous token.
    minted = api("POST", conversation(conv["id"]) + "/token/refresh")
    session = {"conversation_id": conv["id"], "channel": CHANNEL, "token": text(minted, "token"), "expires_at": text(minted, "expires_at"),
               "events_url": conv["events_url"]}
    if CHANNEL == "chat_realtime":  # chat_async has no socket: the widget posts each message beside events_url
        session["session_url"] = SESSION_BASE + conversation(conv["id"]) + "/session"
    return session

def refusal(code, retry_after=None):
    status, transient, message = ERRORS[code]
    return status, {"code": code, "transient": transient, "message": message}, ({"Retry-After": str(retry_after)} if retry_after else {})

def answer(caller, origin, address, store):  # -> (status, body, extra headers). REPLACE caller: your signed-in user's id, or None
    if origin not in ALLOWED_ORIGINS: return refusal("origin_not_allowed")  # browsers always send Origin on POST
    wait = limiter.seconds_to_wait(address)
    if wait: return refusal("rate_limited", wait)
    if not caller: return refusal("unauthorized")
    try: return 200, mint_session(caller, store), {}
    except Refusal as e: return refusal(e.code, e.retry_after)
    except Exception: logging.exception("mint failed"); return refusal("upstream_rejected")  # a bug here, not an upstream answer

class Handler(BaseHTTPRequestHandler):  # demo server; trusts X-Demo-User, which real apps must not
    demo_store = {}  # one process only: a real app passes its session store
    def do_POST(self):
        if self.path != "/operator/session": self.send_error(404); return
        status, body, extra = answer(self.headers.get("X-Demo-User"), self.headers.get("Origin"), self.client_address[0], self.demo_store)
        data = json.dumps(body).encode(); self.send_response(status)
        headers = {"Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Content-Length": str(len(data))}
        for k, v in {**headers, **extra}.items(): self.send_header(k, v)
        self.end_headers(); self.wfile.write(data)

if __name__ == "__main__":
    if not ALLOWED_ORIGINS: print("OPERATOR_ALLOWED_ORIGINS is empty: every request will be refused", file=sys.stderr)
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "3000"))), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True); server.serve_forever()
