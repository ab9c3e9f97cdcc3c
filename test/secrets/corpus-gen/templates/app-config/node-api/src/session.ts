import session from 'express-session';
import RedisStore from 'connect-redis';

export const sessionMiddleware = session({
  store: new RedisStore({ url: 'rediss://default:{{S:alnum-32}}@redis-prod.acme-internal.net:6380' }),
  secret: '{{S:hex-64:high-entropy}}',
  resave: false,
  saveUninitialized: false,
});
