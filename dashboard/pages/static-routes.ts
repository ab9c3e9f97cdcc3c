// The stylesheet and the icon: two small files served from 'self' (the CSP allows nothing else).
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { AppEnv } from '../deps.js';

export function createStaticRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Read once per app (not at import).
  const STYLESHEET = readFileSync(new URL('../static/dashboard.css', import.meta.url), 'utf8');
  const FAVICON = readFileSync(new URL('../static/favicon.svg', import.meta.url), 'utf8');
  app.get('/static/dashboard.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(STYLESHEET);
  });
  app.get('/static/favicon.svg', (c) => {
    c.header('Content-Type', 'image/svg+xml; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(FAVICON);
  });
  app.get('/favicon.ico', (c) => c.redirect('/static/favicon.svg', 301));
  return app;
}
