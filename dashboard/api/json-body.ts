// A request body read as JSON for the routes that take one; a body that is not JSON is a 400.
import type { Context } from 'hono';
import type { AppEnv } from '../deps.js';
import { ApiError } from '../http-error.js';

export async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ApiError(400, 'body is not valid JSON');
  }
}
