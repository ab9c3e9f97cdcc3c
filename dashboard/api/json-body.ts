// A request body read as JSON for the routes that take one; a body that is not JSON is a 400. Its
// lone surrogates become U+FFFD, so both backends store the same text (store/text.ts).
import type { Context } from 'hono';
import type { AppEnv } from '../deps.js';
import { ApiError } from '../http-error.js';
import { parseWellFormedJson } from '../store/text.js';

export async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  try {
    return parseWellFormedJson(await c.req.text());
  } catch {
    throw new ApiError(400, 'body is not valid JSON');
  }
}
