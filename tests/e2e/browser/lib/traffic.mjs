// Every request and WebSocket a page makes, with the headers Chromium really sent (CDP), so a
// suite can prove what never leaves the browser.

/**
 * Starts recording `page`'s traffic. Returns `{requests, sockets, frames, extraHeaders, stop}`:
 * - `requests`: `{url, method, headers, postData, resourceType}` from Playwright,
 * - `extraHeaders`: raw request headers from CDP (`Network.requestWillBeSentExtraInfo`, cookies
 *   included) and WebSocket handshake headers,
 * - `sockets`: `{url}` per WebSocket, `frames`: `{url, direction, payload}` per frame.
 */
export async function recordTraffic(page) {
  const log = { requests: [], sockets: [], frames: [], extraHeaders: [], responses: [] };
  page.on('request', async (req) => {
    const entry = { url: req.url(), method: req.method(), resourceType: req.resourceType(), postData: req.postData() ?? '' };
    log.requests.push(entry);
    entry.headers = await req.allHeaders().catch(() => req.headers());
  });
  page.on('response', (res) => {
    log.responses.push({ url: res.url(), status: res.status(), res });
  });
  page.on('websocket', (ws) => {
    log.sockets.push({ url: ws.url() });
    ws.on('framesent', (f) => log.frames.push({ url: ws.url(), direction: 'sent', payload: String(f.payload) }));
    ws.on('framereceived', (f) => log.frames.push({ url: ws.url(), direction: 'received', payload: String(f.payload) }));
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => log.extraHeaders.push({ kind: 'http', headers: e.headers }));
  cdp.on('Network.requestWillBeSent', (e) => log.extraHeaders.push({ kind: 'http', url: e.request.url, headers: e.request.headers }));
  cdp.on('Network.webSocketWillSendHandshakeRequest', (e) =>
    log.extraHeaders.push({ kind: 'websocket', headers: e.request.headers }),
  );
  cdp.on('Network.webSocketCreated', (e) => log.sockets.push({ url: e.url, via: 'cdp' }));
  return log;
}

/** Every `tok_…` token (emulator format) in `text`. */
export function tokensIn(text) {
  return String(text).match(/tok_[A-Za-z0-9]+/g) ?? [];
}
