import session from 'express-session';
import RedisStore from 'connect-redis';

export const sessionMiddleware = session({
  store: new RedisStore({ url: 'rediss://default:5qYSWZ5ZT9L0oFTwEgGdMeKm6C67kQlv@redis-prod.acme-internal.net:6380' }),
  secret: '9d29b47ed28e8f8f80d56744aed920d0318a374c8196dfe928d4d70577c75ec0',
  resave: false,
  saveUninitialized: false,
});
