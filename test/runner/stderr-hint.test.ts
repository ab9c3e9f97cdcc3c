import { describe, expect, it } from 'vitest';
import { describeStderr } from '../../src/runner/stderr-hint.js';

const NPM_405 = 'npm warn audit 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk\n';

describe('describeStderr', () => {
  it('says the known failure in our words, never the text itself', () => {
    const said = describeStderr(NPM_405);
    expect(said).toContain('the registry refused the audit endpoint (HTTP 405)');
    expect(said).not.toContain('Method Not Allowed');
  });

  it('does not repeat a failure the parser already explained', () => {
    const parserSaid = 'npm-audit: the registry refused the audit endpoint (HTTP 405): POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk';
    const said = describeStderr(NPM_405, parserSaid);
    expect(`${parserSaid}${said}`.match(/refused the audit endpoint/g)).toHaveLength(1);
    expect(said).toContain(`${Buffer.byteLength(NPM_405)} bytes to stderr`);
  });
});
