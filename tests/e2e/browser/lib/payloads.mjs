// Hostile text for the widget. Each payload that could run code calls `__pwned(<name>)` (or
// `alert`), which the hostile suite traps at page level; none may ever fire.

/**
 * `[name, text]` pairs, or `[name, text, shown]` where the agent's markdown reads differently:
 * `shown` is what the rendered text must read as. No payload contains "bye" (which would end the
 * conversation).
 */
export const PAYLOADS = [
  ['script tag', `<script>__pwned('script')</script>`],
  ['img onerror', `<img src=x onerror="__pwned('img')">`],
  ['img onerror alert', `<img src=x onerror=alert('img2')>`],
  ['svg onload', `<svg onload="__pwned('svg')"><circle r=40></circle></svg>`],
  ['svg script', `<svg><script>__pwned('svgscript')</script></svg>`],
  ['javascript: link', `<a href="javascript:__pwned('jslink')">click me</a>`],
  ['bare javascript: URL', `javascript:__pwned('bare')`],
  ['markdown javascript: link', `[click here](javascript:__pwned('md'))`, 'click here'],
  ['markdown image', `![x](javascript:__pwned('mdimg'))`, 'x'],
  ['iframe javascript:', `<iframe src="javascript:parent.__pwned('iframe')"></iframe>`],
  ['iframe srcdoc', `<iframe srcdoc="<script>parent.__pwned('srcdoc')</script>"></iframe>`],
  ['textarea breakout', `</textarea><script>__pwned('textarea')</script><textarea>`],
  ['attribute breakout', `"><script>__pwned('attr')</script>`],
  ['single-quote breakout', `'><img src=x onerror=__pwned('attr2')>`],
  ['body onload', `<body onload=__pwned('body')>`],
  ['details ontoggle', `<details open ontoggle=__pwned('details')><summary>x</summary></details>`],
  ['input autofocus', `<input autofocus onfocus=__pwned('autofocus')>`],
  ['mXSS math/style', `<math><mtext><table><mglyph><style><img src=x onerror=__pwned('mxss')>`],
  ['noscript mXSS', `<noscript><p title="</noscript><img src=x onerror=__pwned('noscript')>">`],
  ['template expression', "{{constructor.constructor('__pwned(\"tpl\")')()}} ${__pwned('tpl2')}"],
  ['meta refresh', `<meta http-equiv="refresh" content="0;url=javascript:__pwned('meta')">`],
  ['base href', `<base href="javascript:__pwned('base')//">`],
  ['object data', `<object data="javascript:__pwned('object')"></object>`],
  ['embed src', `<embed src="javascript:__pwned('embed')">`],
  ['form action', `<form action="javascript:__pwned('form')"><button>go</button></form>`],
  ['css injection', `</style><style>*{display:none!important} body{background:url("javascript:__pwned('css')")}</style>`],
  ['inline style overlay', `<div style="position:fixed;inset:0;width:9999px;background:red;z-index:2147483647">overlay</div>`],
  ['link stylesheet', `<link rel="stylesheet" href="data:text/css,*{visibility:hidden}">`],
  ['html entities', `&lt;script&gt;__pwned('entity')&lt;/script&gt; &amp; &#60;b&#62;`, `<script>__pwned('entity')</script> & <b>`],
  ['RTL override', 'invoice\u202Egnp.exe\u202C and \u2067isolated\u2069 text'],
  ['zero-width characters', 'a\u200Bb\u200Cc\u200Dd\uFEFFe\u2060f'],
  ['lone high surrogate', 'before \uD800 after'],
  ['lone low surrogate', 'before \uDC00 after'],
  ['reversed surrogate pair', 'x\uDE00\uD83Dy'],
  ['combining marks (zalgo)', 'Z\u0338\u0322\u031B\u0324\u0349\u0313a\u0335\u0321l\u0337g\u0338o\u0336\u0300\u0301\u0302\u0303\u0304\u0305'],
  ['long unbroken word', 'A'.repeat(3000)],
  ['long URL', `https://example.com/${'segment/'.repeat(300)}?q=${'x'.repeat(500)}`],
  ['many lines', Array.from({ length: 60 }, (_, i) => `line ${i}`).join('\n')],
  ['emoji ZWJ', '👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽 🇯🇵'],
  ['prototype keys', '__proto__ constructor prototype toString', 'proto constructor prototype toString'],
];
