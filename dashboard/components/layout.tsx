// The page frame: head (one served stylesheet, no inline script or style), top navigation with the
// signed-in token's name, and the logout form carrying the session's CSRF token.
import { raw } from 'hono/html';
import type { FC, PropsWithChildren } from 'hono/jsx';
import { shortName } from '../auth/principal.js';
import { attr, esc } from './html-text.js';

/** Who is looking at the page; absent on the login page. */
export interface ViewerInfo {
  name: string;
  tokenId: string;
  role: 'admin' | 'triager' | 'viewer';
  csrfToken: string;
}

const STYLESHEET_PATH = '/static/dashboard.css';

export const Layout: FC<PropsWithChildren<{ title: string; viewer?: ViewerInfo; active?: 'overview' | 'pulls' | 'vulnerabilities' | 'admin' }>> = ({
  title,
  viewer,
  active,
  children,
}) => (
  <>
    {/* A constant, so raw() is safe here; without a doctype browsers render in quirks mode. */}
    {raw('<!DOCTYPE html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Gatehouse`}</title>
        <link rel="stylesheet" href={STYLESHEET_PATH} />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <header class="topbar">
          <a class="brand" href="/">
            Gatehouse
          </a>
          {viewer ? (
            <nav>
              <a href="/" class={active === 'overview' ? 'active' : undefined}>
                Services
              </a>
              <a href="/pulls" class={active === 'pulls' ? 'active' : undefined}>
                Pull requests
              </a>
              <a href="/vulnerabilities" class={active === 'vulnerabilities' ? 'active' : undefined}>
                Vulnerabilities
              </a>
              {viewer.role === 'admin' ? (
                <a href="/admin" class={active === 'admin' ? 'active' : undefined}>
                  Admin
                </a>
              ) : null}
            </nav>
          ) : null}
          {viewer ? (
            <form class="logout" method="post" action="/logout">
              <span class="whoami" title={`signed in with token ${viewer.tokenId} (${viewer.name}), role ${viewer.role}`}>
                <span class="who">{shortName(viewer.name)}</span> <span class="role">{viewer.role}</span>
              </span>
              <input type="hidden" name="_csrf" value={viewer.csrfToken} />
              <button type="submit">Log out</button>
            </form>
          ) : null}
        </header>
        <main>{children}</main>
      </body>
    </html>
  </>
);

/** The error (announced to screen readers) and notice lines a form page shows after a POST. */
export const Alerts: FC<{ error?: string; notice?: string }> = ({ error, notice }) => (
  <>
    {error ? (
      <p class="alert error" role="alert">
        {error}
      </p>
    ) : null}
    {notice ? <p class="alert notice">{notice}</p> : null}
  </>
);

/**
 * A table header cell that links to the same page sorted by this column (works without JS).
 * `numeric` right-aligns it; `worstFirst` (default for numeric) makes the first click sort descending.
 */
/** A sortable column's header: a link that sorts by it (the other way when it is the current sort; worst first by default for numbers). */
interface SortHeaderProps {
  label: string;
  column: string;
  current: string;
  dir: 'asc' | 'desc';
  href: (column: string, dir: 'asc' | 'desc') => string;
  numeric?: boolean;
  worstFirst?: boolean;
}

/** SortHeader's markup as one string (a service view's table head is built so): every value escaped as JSX escapes it. */
export function sortHeaderHtml({ label, column, current, dir, href, numeric, worstFirst = numeric }: SortHeaderProps): string {
  const isCurrent = current === column;
  const nextDir: 'asc' | 'desc' = isCurrent ? (dir === 'asc' ? 'desc' : 'asc') : worstFirst ? 'desc' : 'asc';
  return (
    `<th${attr('class', numeric ? 'num' : undefined)}${attr('aria-sort', isCurrent ? (dir === 'asc' ? 'ascending' : 'descending') : undefined)}>` +
    `<a href="${esc(href(column, nextDir))}">${esc(label)}${isCurrent ? `<span class="sort-mark">${dir === 'asc' ? ' ▲' : ' ▼'}</span>` : ''}</a></th>`
  );
}

export const SortHeader: FC<SortHeaderProps> = (props) => raw(sortHeaderHtml(props));

