import { launchChromium } from '../support/browser.mjs';
import { openHost, newContext } from './lib/host.mjs';
import { Widget, domRows } from './lib/widget.mjs';
import { injectFault, clearFaults, conversationRecord } from './lib/emulator.mjs';
const b = await launchChromium();
const ctx = await newContext(b);
const page = await ctx.newPage();
const log = [];
const t0 = Date.now();
page.on('console', m => log.push(`${Date.now()-t0} console ${m.type()} ${m.text().slice(0,200)}`));
page.on('response', r => { if (!r.url().includes('/pkg/')) log.push(`${Date.now()-t0} resp ${r.status()} ${r.url().slice(0,90)}`); });
page.on('websocket', ws => { log.push(`${Date.now()-t0} ws open`); ws.on('close', () => log.push(`${Date.now()-t0} ws closed`)); ws.on('framesent', f => log.push(`${Date.now()-t0} ws sent ${String(f.payload).slice(0,120)}`)); });
const g = await openHost(page);
const w = new Widget(page);
await w.open(); await w.waitAgentMessages(1);
const id = g.conversationId;
for (const [n, kind] of process.argv.slice(2).entries()) {
if (kind === '429' || kind === '503') {
  await injectFault({ kind: 'http_status', status: Number(kind), count: 3, retry_after_s: 1, path_prefix: `/conversations/${id}` });
  await injectFault({ kind: 'drop_sse', after_events: 0, conversation_id: id });
} else if (kind === 'revoke') {
  await injectFault({ kind: 'revoke_token', conversation_id: id });
  await injectFault({ kind: 'drop_sse', after_events: 1, conversation_id: id });
}
log.push(`${Date.now()-t0} --- send ${kind}`);
await w.send('/echo hello there friend one two three ' + n);
const states = [];
for (let i = 0; i < 600; i++) { states.push(await w.state()); await page.waitForTimeout(100); const rows = await domRows(page); if (rows.filter(r=>r.role==='agent').length>=2+n && rows.at(-1).done==='true') break; }
log.push(`${Date.now()-t0} --- done ${kind}: ${[...new Set(states)].join(',')}`);
await clearFaults();
}
console.log(log.join('\n'));
console.log(JSON.stringify(await domRows(page)).slice(-400));
const rec = await conversationRecord(id);
console.log(rec.events.map(e=>e.payload.type).join(' '));
await clearFaults(); await b.close();
