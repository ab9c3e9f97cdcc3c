// Sign in with a dashboard token (admin or viewer). The form POSTs to /login with a CSRF nonce.
import type { FC } from 'hono/jsx';
import { Alerts, Layout } from '../components/layout.js';

export const LoginPage: FC<{ csrf: string; next?: string; error?: string; notice?: string }> = ({ csrf, next, error, notice }) => (
  <Layout title="Sign in">
    <section class="login">
      <h1>Sign in</h1>
      <p class="muted">Paste a viewer, triager or admin token. Ingest tokens upload scans only and cannot open the dashboard.</p>
      <Alerts error={error} notice={notice} />
      <form method="post" action="/login" class="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="off" required autofocus />
        <button type="submit">Sign in</button>
      </form>
    </section>
  </Layout>
);

/** 403 / 404 / 400 pages share one frame. */
export const MessagePage: FC<{ title: string; message: string; viewer?: import('../components/layout.js').ViewerInfo }> = ({
  title,
  message,
  viewer,
}) => (
  <Layout title={title} viewer={viewer}>
    <h1>{title}</h1>
    <p class="alert error">{message}</p>
    <p>
      <a href="/">Back to the services</a>
    </p>
  </Layout>
);
