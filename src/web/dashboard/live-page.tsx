import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../../api/env.js';
import { Layout } from '../layout.js';

/**
 * A page whose `live` part the layout's script re-fetches in place: the same URL
 * with `x-fragment: live` answers that part alone.
 */
export function livePage(c: Context<AppEnv>, title: string, live: Child, head?: Child) {
  if (c.req.header('x-fragment') === 'live') return c.html(<>{live}</>);
  return c.html(
    <Layout title={title} user={c.var.principal.name}>
      <h1>{title}</h1>
      {head}
      <div id="live" data-live="3000">
        {live}
      </div>
    </Layout>,
  );
}
