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
`;

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
              <a href="/dashboard/approvals">Approvals</a>
              <a href="/admin/queues">Queues</a>
              <span class="muted" style="margin-left:auto">{props.user}</span>
              <form method="post" action="/logout" style="margin:0">
                <button class="secondary" type="submit">Log out</button>
              </form>
            </>
          ) : null}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}
