import session from 'express-session';
import RedisStore from 'connect-redis';

export const sessionMiddleware = session({
  store: new RedisStore({ url: 'rediss://default:WXjFenvUAQK0FMsNldkUQcH5h6RC8kg5@redis-prod.acme-internal.net:6380' }),
  secret: '134e0db5141e4ff10425ef801386ecd6cd7a5b055ab300a30665b726f36d7fee',
  resave: false,
  saveUninitialized: false,
});
