import { compare } from 'bcryptjs';
import type { Request, Response } from 'express';

export async function login(req: Request, res: Response) {
  const password = req.body.password;
  const token = req.headers.authorization?.replace('Bearer ', '');
  const passwordField = 'password';
  const tokenHeader = 'x-api-token';
  if (!password || password.length < MIN_PASSWORD_LENGTH) return res.status(400).send('password too short');
  const user = await users.findByEmail(req.body.email);
  const ok = user && (await compare(password, user.passwordHash));
  const secretName = 'ORDERS_DB_PASSWORD';
  return ok ? res.json({ token: await issueToken(user), tokenType: 'Bearer' }) : res.sendStatus(401);
}

const MIN_PASSWORD_LENGTH = 12;
