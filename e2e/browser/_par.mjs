import { launchChromium } from '../support/browser.mjs';
import { openHost, newContext } from './lib/host.mjs';
import { Widget, domRows } from './lib/widget.mjs';
import { conversationRecord } from './lib/emulator.mjs';
const b = await launchChromium();
const N = Number(process.argv[2] ?? 6);
const results = await Promise.all(Array.from({ length: N }, async (_, i) => {
  const ctx = await newContext(b);
  const page = await ctx.newPage();
  const log = [];
  const t0 = Date.now();
  page.on('response', r => { if (!r.url().includes('/pkg/')) log.push(`${Date.now()-t0} resp ${r.status()} ${r.url().slice(0,100)}`); });
  page.on('requestfailed', r => log.push(`${Date.now()-t0} failed ${r.url().slice(0,100)} ${r.failure()?.errorText}`));
  page.on('websocket', ws => { log.push(`${Date.now()-t0} ws open`); ws.on('close', () => log.push(`${Date.now()-t0} ws closed`)); ws.on('framesent', f => log.push(`${Date.now()-t0} ws sent ${String(f.payload).slice(0,100)}`)); ws.on('framereceived', f => log.push(`${Date.now()-t0} ws recv ${String(f.payload).slice(0,60)}`)); });
  page.on('console', m => log.push(`${Date.now()-t0} console ${m.text().slice(0,150)}`));
  const g = await openHost(page);
  const w = new Widget(page);
  try { await w.open(); await w.waitAgentMessages(1, 8000); return null; }
  catch (e) { const rec = g.conversationId ? await conversationRecord(g.conversationId) : null; return `${i}: ${e.message}\n${log.join('\n')}\nrecord: ${rec?.events.map(e=>e.payload.type).join(' ')}`; }
}));
console.log(results.filter(Boolean).join('\n-----\n') || 'all ok');
await b.close();
