import type { Child } from 'hono/jsx';

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center}
header a{color:#cfd6e4;text-decoration:none}header a:hover{color:#fff}
main{padding:1.2rem;max-width:1100px;margin:auto}
table{border-collapse:collapse;width:100%;background:#fff}th,td{padding:.45rem .6rem;border-bottom:1px solid #e3e6ea;text-align:left}
.card{background:#fff;border:1px solid #e3e6ea;border-radius:6px;padding:1rem;margin-bottom:1rem}
.error{color:#b00020}.muted{color:#6b7385}
input,select,textarea,button{font:inherit;padding:.35rem .5rem}
button{cursor:pointer;border:1px solid #1d2330;background:#1d2330;color:#fff;border-radius:4px}
button.secondary{background:#fff;color:#1d2330}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:1rem}
.ok{color:#137333}.warn{color:#a05a00}.bad{color:#b00020}
.progress{position:relative;background:#e3e6ea;border-radius:4px;height:1.3rem;min-width:160px;overflow:hidden;display:flex}
.progress .bar{height:100%}.progress .done{background:#5b8def}.progress .failed{background:#d9534f}
.progress span{position:absolute;left:.4rem;top:0;font-size:.8rem;line-height:1.3rem}
figure.chart{margin:0 0 1rem;min-width:0}figure.chart svg{width:100%;height:auto;background:#fff;border:1px solid #e3e6ea}
.grid.wide{grid-template-columns:repeat(auto-fit,minmax(min(100%,480px),1fr))}
figure.chart circle:hover{r:5}
a.button{display:inline-block;text-decoration:none;border:1px solid #1d2330;background:#1d2330;color:#fff;border-radius:4px;padding:.35rem .7rem}
a.button.secondary{background:#fff;color:#1d2330}
.scroll{overflow-x:auto;max-width:100%}
a.range{padding:.2rem .6rem;border:1px solid #c9ced6;border-radius:4px;text-decoration:none;color:#1d2330;background:#fff}a.range.current{background:#1d2330;color:#fff}
header{flex-wrap:wrap}
pre{white-space:pre-wrap;overflow-wrap:anywhere}code{overflow-wrap:anywhere}h1{overflow-wrap:anywhere}
.field{display:block;margin:.6rem 0}.field label{display:block;font-weight:600;margin-bottom:.2rem}
.field .hint{font-size:.85rem}.field .error{font-size:.9rem;margin-top:.2rem}
.field input[type=text],.field input[type=url],.field input[type=number],.field input[type=password],.field textarea,.field select{width:100%;max-width:36rem;box-sizing:border-box}
fieldset{border:1px solid #e3e6ea;border-radius:6px;margin:0 0 1rem;background:#fff}
.preview{white-space:pre-wrap;background:#f0f3f8;border-radius:4px;padding:.6rem}
.unknown-var{background:#ffe3e3;color:#b00020}
.timeline td:first-child{white-space:nowrap}
@media (max-width:600px){main{padding:.6rem}th,td{padding:.3rem .35rem}}
.legend{margin-left:.6rem;font-size:.85rem}.actions{display:flex;gap:.5rem;margin:.5rem 0}
`;

/** Re-renders `[data-live]` regions in place from the same URL, so pages stay current without a reload. */
const LIVE_SCRIPT = `
for (const el of document.querySelectorAll('[data-live]')) {
  setInterval(async () => {
    if (document.hidden) return;
    try {
      const res = await fetch(location.href, { headers: { 'x-fragment': el.id } });
      if (res.ok) el.innerHTML = await res.text();
    } catch {}
  }, Number(el.dataset.live) || 3000);
}`;

const NAV: [string, string][] = [
  ['/dashboard/overview', 'Overview'],
  ['/dashboard/campaigns', 'Campaigns'],
  ['/dashboard/ops', 'Ops'],
  ['/dashboard/growth', 'Growth'],
  ['/dashboard/beta', 'Beta'],
  ['/dashboard/approvals', 'Approvals'],
  ['/dashboard/runs', 'Runs'],
  ['/dashboard/audit', 'Audit'],
  ['/dashboard/impact', 'Impact'],
  ['/admin/queues', 'Queues'],
];

export function Layout(props: { title: string; user?: string; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <title>{props.title} · Flywheel</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <header>
          <strong>Flywheel</strong>
          {props.user ? (
            <>
              {NAV.map(([href, label]) => (
                <a href={href}>{label}</a>
              ))}
              <span class="muted" style="margin-left:auto">{props.user}</span>
              <form method="post" action="/logout" style="margin:0">
                <button class="secondary" type="submit">Log out</button>
              </form>
            </>
          ) : null}
        </header>
        <main>{props.children}</main>
        <script dangerouslySetInnerHTML={{ __html: LIVE_SCRIPT }} />
      </body>
    </html>
  );
}
