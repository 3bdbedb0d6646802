import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { createHash } from 'node:crypto';

/*
 * The page's one style sheet, one script and its icon, served by the app under names that carry a hash of
 * their content, so they can be cached for a year and a new release never meets an old copy. The
 * script only detects the customer's time zone (progressive enhancement): the page works without it.
 */

const CSS = `
:root{color-scheme:light;--ink:#1a1a1a;--muted:#4a4a4a;--line:#8a8a8a;--accent:#0b5394;--ok:#1e6b2e;--bad:#a11b1b;--bg:#fff;--panel:#f3f5f8}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--accent)}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:1}
header,main,footer{max-width:40rem;margin:0 auto;padding:0 1rem}
header{padding-top:1rem;border-bottom:1px solid var(--line)}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
section{background:var(--panel);border-radius:8px;padding:.75rem 1rem;margin:1rem 0}
ol.timeline{list-style:none;padding:0;margin:0}
ol.timeline li{padding:.4rem 0 .4rem 1.75rem;position:relative;border-left:3px solid var(--line);margin-left:.5rem}
ol.timeline li::before{content:"";position:absolute;left:-.6rem;top:.65rem;width:.9rem;height:.9rem;border-radius:50%;background:#fff;border:3px solid var(--line)}
ol.timeline li.reached{border-left-color:var(--ok)}ol.timeline li.reached::before{background:var(--ok);border-color:var(--ok)}
ol.timeline li[aria-current] strong{text-decoration:underline}
.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
fieldset{border:1px solid var(--line);border-radius:6px;margin:.75rem 0;padding:.5rem .75rem;min-width:0}
legend{font-weight:600;padding:0 .25rem}
label{display:inline-block;margin:.2rem 0}
input,select,textarea,button{font:inherit;color:var(--ink)}
input[type=text],input[type=email],select,textarea{width:100%;padding:.45rem;border:1px solid var(--muted);border-radius:4px;background:#fff}
input[type=time]{padding:.3rem;border:1px solid var(--muted);border-radius:4px;min-width:7.5rem}
.day{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .75rem;padding:.35rem 0;border-bottom:1px solid #d0d4da}
.day>label{flex:1 0 8rem}.times{display:flex;align-items:center;gap:.4rem}
caption{text-align:left}
button{background:var(--accent);color:#fff;border:0;border-radius:4px;padding:.6rem 1rem;margin:.5rem 0;cursor:pointer}
button.secondary{background:#fff;color:var(--bad);border:2px solid var(--bad)}
:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.notice{border-left:5px solid var(--ok);background:#e9f5ec;padding:.6rem .8rem}
.problems{border-left:5px solid var(--bad);background:#fbeaea;padding:.6rem .8rem}
.open{color:var(--ok);font-weight:600}.closed{color:var(--bad);font-weight:600}
footer{padding:1rem;color:var(--muted);font-size:.9rem}
`;

const SCRIPT = `(function(){var s=document.getElementById('timezone');if(!s||s.getAttribute('data-detect')!=='true')return;
try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;for(var i=0;i<s.options.length;i++){if(s.options[i].value===z){s.value=z;
var n=document.getElementById('timezone-detected');if(n){n.textContent='We set this from your device: '+z+'. Change it if it is wrong.';}break;}}}catch(e){}})();
`;

/** The page's icon, so a browser asking for one gets it rather than a 404. */
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b5394"/><path d="M4 8.5l2.5 2.5L12 5.5" stroke="#fff" stroke-width="2" fill="none"/></svg>`;

function hashed(name: string, extension: string, content: string): string {
  return `${name}.${createHash('sha256').update(content).digest('hex').slice(0, 12)}.${extension}`;
}

const ASSETS = new Map([
  [hashed('page', 'css', CSS), { type: 'text/css; charset=utf-8', content: CSS }],
  [hashed('timezone', 'js', SCRIPT), { type: 'text/javascript; charset=utf-8', content: SCRIPT }],
  [hashed('icon', 'svg', ICON), { type: 'image/svg+xml', content: ICON }],
]);

/** The paths the page links to. */
export const ASSET_PATHS = {
  css: `/api/t/assets/${[...ASSETS.keys()][0]!}`,
  script: `/api/t/assets/${[...ASSETS.keys()][1]!}`,
  icon: `/api/t/assets/${[...ASSETS.keys()][2]!}`,
};

/** GET /api/t/assets/{file}: a hashed asset, cached for a year; any other name is 404. */
export async function customerPageAssetHandler(request: HttpRequest): Promise<HttpResponseInit> {
  const asset = ASSETS.get(request.params.file ?? '');
  if (!asset) return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }, body: 'Not found' };
  return {
    status: 200,
    headers: { 'content-type': asset.type, 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' },
    body: asset.content,
  };
}

app.http('customerPageAsset', { route: 't/assets/{file}', methods: ['GET'], authLevel: 'anonymous', handler: customerPageAssetHandler });
