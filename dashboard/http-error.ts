// The HTTP error every route throws (API and auth alike): turned into `{ error, field? }` JSON with
// its status by app.ts onError. Outside api/ so auth/ and pages need not import from the API.
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    message: string,
    /** The request field at fault (`findings.3.severity`, `from`), when there is one. */
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  error: string;
  field?: string;
}
