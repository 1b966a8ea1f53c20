// The content page of `bench embed`: an article (text, a hero image written here, a stylesheet)
// and, per widget, its embed snippet. Nothing is fetched from anywhere: the image is made here.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A `width`×`height` RGB PNG: a sky-to-sea gradient with a sun and deterministic grain, so it
 * compresses like a photo-ish hero (tens of KB), not like a flat fill. */
export function heroPng(width = 1200, height = 630) {
  const row = 1 + width * 3;
  const raw = Buffer.alloc(row * height);
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    // Grain on one pixel in 64, so the image compresses to about the size of a hero photo.
    return (seed >>> 16) % 64 === 0 ? ((seed >>> 20) & 0x0f) - 8 : 0;
  };
  const clamp = (v) => Math.max(0, Math.min(255, Math.round(v)));
  for (let y = 0; y < height; y += 1) {
    raw[y * row] = 0; // filter: none
    const t = y / height;
    const sea = t > 0.55;
    for (let x = 0; x < width; x += 1) {
      const dx = x - width * 0.72;
      const dy = y - height * 0.38;
      const sun = Math.max(0, 1 - Math.sqrt(dx * dx + dy * dy) / 90);
      const wave = sea ? 12 * Math.sin(x / 23 + y / 7) : 0;
      const r = (sea ? 20 + 60 * t : 250 - 120 * t) + 200 * sun + wave;
      const g = (sea ? 90 + 40 * t : 170 - 40 * t) + 150 * sun + wave;
      const b = (sea ? 140 + 30 * t : 120 + 100 * t) + 20 * sun + wave;
      const i = y * row + 1 + x * 3;
      raw[i] = clamp(r + noise());
      raw[i + 1] = clamp(g + noise());
      raw[i + 2] = clamp(b + noise());
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const ARTICLE_CSS = `
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; font: 18px/1.65 Georgia, "Times New Roman", serif; color: #1f2328; background: #fbfaf7; }
header.site { display: flex; justify-content: space-between; align-items: center; padding: 14px 24px;
  border-bottom: 1px solid #e4e0d8; font: 600 16px/1.2 system-ui, sans-serif; }
header.site a { color: #1f2328; text-decoration: none; }
header.site nav a { margin-left: 18px; font-weight: 400; color: #57606a; }
main { max-width: 760px; margin: 0 auto; padding: 24px; }
h1 { font-size: 42px; line-height: 1.15; margin: 12px 0 8px; }
.standfirst { font-size: 21px; color: #444c56; margin: 0 0 12px; }
.byline { font: 14px/1.4 system-ui, sans-serif; color: #57606a; margin: 0 0 20px; }
img.hero { display: block; width: 100%; height: auto; border-radius: 4px; }
figcaption { font: 13px/1.4 system-ui, sans-serif; color: #57606a; margin: 6px 0 24px; }
h2 { font-size: 26px; margin: 36px 0 8px; }
blockquote { margin: 24px 0; padding-left: 18px; border-left: 3px solid #c9b88f; font-style: italic; }
.widget-slot { margin: 32px 0; }
footer { max-width: 760px; margin: 40px auto; padding: 24px; border-top: 1px solid #e4e0d8;
  font: 14px/1.5 system-ui, sans-serif; color: #57606a; }
`;

const PARAGRAPHS = [
  'Twice a day the sea withdraws from the rocky shelf below the lighthouse and leaves behind a scatter of pools, some no bigger than a dinner plate, some deep enough to swallow a wader to the knee. For the six hours until it returns, each pool is a sealed world, warming in the sun, losing oxygen, gaining salt as the water evaporates.',
  'The animals that live there have had a long time to learn the schedule. Anemones close into tight knots of jelly as the water drops; limpets clamp down on the ring of rock their shells have ground into the stone; periwinkles seal themselves behind a horny door and wait. None of them can see the tide. They keep time another way.',
  'Keep a shore crab in a tank far from the sea, under steady light, and it will still scurry about at the hours of high water for days, then weeks, slowly drifting out of step. The rhythm is inside the animal: a clock that runs, unlike our daily one, at roughly twelve hours and twenty-five minutes, the interval between one high tide and the next.',
  'Where that clock lives has been argued about for decades. For a while the favourite idea was that the daily clock simply ran twice as fast; experiments in which the two rhythms were knocked out separately suggested otherwise. In some species at least, the tide clock seems to be its own machine, with its own genes, set each day by the shaking of the waves and the changes of pressure as the water comes and goes.',
  'Standing over a pool at low water, none of this is visible. What you see is the stillness: a blenny motionless under a ledge, a prawn transparent against the weed, a starfish in the same spot it held when the sea left. Come back an hour before the flood and the pool has changed its mind. The blenny is out, the anemones are opening, the crabs are on the move, as if they had heard something you cannot.',
  'They have, in a sense. Every one of them is counting, and the count is good enough that a pool which has been cut off for six hours wakes up a few minutes before the first wave tops its rim. It is one of the quieter marvels of the coast, and it happens twice a day, whether anyone is watching or not.',
];

/** The page for one widget: the article, `slot` (an inline widget's place in the article) and
 * `tail` (the embed snippet at the end of the body, where the vendors' snippets go). */
export function articleHtml({ title, head = '', slot = '', tail = '' }) {
  const half = Math.ceil(PARAGRAPHS.length / 2);
  const p = (xs) => xs.map((t) => `      <p>${t}</p>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>How tide pools keep time — The Coastal Review (${title})</title>
  <link rel="stylesheet" href="/article/article.css">
${head}</head>
<body>
  <header class="site"><a href="#">The Coastal Review</a>
    <nav><a href="#">Shore</a><a href="#">Weather</a><a href="#">Field notes</a><a href="#">About</a></nav>
  </header>
  <main>
    <article>
      <h1>How tide pools keep time</h1>
      <p class="standfirst">The animals of the rocky shore live by a clock of twelve and a half hours. Nobody told them the time; they keep it themselves.</p>
      <p class="byline">By the field desk · 8 min read</p>
      <figure style="margin: 0">
        <img class="hero" src="/article/hero.png" width="1200" height="630" alt="Evening light over the rock pools below the lighthouse">
        <figcaption>Low water below the lighthouse. Each pool is sealed off for about six hours.</figcaption>
      </figure>
${p(PARAGRAPHS.slice(0, half))}
      <blockquote>A pool that has been cut off for six hours wakes up a few minutes before the first wave tops its rim.</blockquote>
      <h2>A clock of their own</h2>
${p(PARAGRAPHS.slice(half))}
${slot}
    </article>
  </main>
  <footer>© The Coastal Review. Field notes are written at low water.</footer>
${tail}</body>
</html>
`;
}
