import { describe, expect, it } from 'vitest';
import { maskSecret, scrubSecrets, sha256Hex } from '../../src/findings/redact.js';

// Token-shaped test values (not real credentials), built from parts so that secret scanners
// running over this repository do not flag the test file itself.
const ghp = 'ghp_' + '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const pat = 'github_pat_' + '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789';
const slack = 'xoxb-' + '1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
const aws = 'AKIA' + 'IOSFODNN7EXAMPLE';
const stripe = 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc';
const npmToken = 'npm_' + 'abcdefghijklmnopqrstuvwxyz0123456789';
const gitlab = 'glpat-' + 'xxxxxxxxxxxxxxxxxxxx';
const pemBody = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj';
const pem = `-----BEGIN RSA PRIVATE KEY-----\n${pemBody}\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END RSA PRIVATE KEY-----`;

describe('maskSecret', () => {
  it('keeps at most a 4-character prefix and a fixed-length mask', () => {
    expect(maskSecret(ghp)).toBe('ghp_****');
    expect(maskSecret(aws)).toBe('AKIA****');
  });
  it('shows nothing of a short value', () => {
    expect(maskSecret('hunter2')).toBe('****');
    expect(maskSecret('a secret')).toBe('****');
    // 12-15 characters used to show 4 (a third of a 12-character password): none now.
    expect(maskSecret('Tr0ub4dor&3x')).toBe('****');
    expect(maskSecret('Tr0ub4dor&3xyz9')).toBe('****');
  });
  it('never shows more than a quarter of the value', () => {
    for (let n = 16; n <= 40; n++) {
      const value = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH'.slice(0, n);
      const shown = maskSecret(value).replace(/\*{4}$/, '');
      expect(shown.length).toBeLessThanOrEqual(Math.min(4, n / 4));
      expect(shown.length).toBe(4);
    }
  });
});

describe('sha256Hex', () => {
  it('is the hex sha256 of the UTF-8 text', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('scrubSecrets', () => {
  it.each([
    ['GitHub classic token', ghp, 'ghp_****'],
    ['GitHub fine-grained token', pat, 'github_pat_****'],
    ['Slack token', slack, 'xoxb-****'],
    ['AWS access key id', aws, 'AKIA****'],
    ['Stripe live key', stripe, 'sk_live_****'],
    ['npm token', npmToken, 'npm_****'],
    ['GitLab token', gitlab, 'glpat-****'],
  ])('masks a %s in free text', (_name, secret, masked) => {
    const out = scrubSecrets(`found "${secret}" in config.js`);
    expect(out).not.toContain(secret);
    expect(out).toBe(`found "${masked}" in config.js`);
  });

  it('masks a whole PEM private key block, also with JSON-escaped newlines and unterminated', () => {
    const out = scrubSecrets(`key:\n${pem}\nend`);
    expect(out).not.toContain(pemBody);
    expect(out).toContain('end');
    const escaped = scrubSecrets(JSON.stringify(pem));
    expect(escaped).not.toContain(pemBody);
    const cut = scrubSecrets(`-----BEGIN PRIVATE KEY-----\n${pemBody}`);
    expect(cut).not.toContain(pemBody);
  });

  it('masks the password of user:password@ in a URL and keeps the host', () => {
    const out = scrubSecrets('DATABASE_URL postgres://admin:s3cr3tP4ss@db.internal:5432/app');
    expect(out).not.toContain('s3cr3tP4ss');
    expect(out).toContain('postgres://admin:****@db.internal:5432/app');
  });

  it('masks password= and api_key: assignments', () => {
    expect(scrubSecrets('password=CorrectHorse9')).toBe('password=****');
    expect(scrubSecrets('{"api_key": "abcd1234efgh"}')).toBe('{"api_key": "****"}');
    expect(scrubSecrets('export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG')).toBe('export AWS_SECRET_ACCESS_KEY=****');
  });

  it('leaves advisory titles that merely look like assignments readable', () => {
    // Real trivy titles: "token: word" is prose, not a credential.
    const title = 'nodejs-jsonwebtoken: verification step bypass with an altered token';
    expect(scrubSecrets(title)).toBe(title);
    expect(scrubSecrets('jsonwebtoken: Insecure default algorithm in jwt.verify()')).toBe(
      'jsonwebtoken: Insecure default algorithm in jwt.verify()',
    );
    // ...while credential-shaped values in the same position are still masked.
    expect(scrubSecrets('token: hunter2')).toBe('token: ****');
    expect(scrubSecrets('password: CorrectHorse')).toBe('password: ****');
    expect(scrubSecrets('secret=correcthorsebatterystaple')).toBe('secret=****');
  });

  it('leaves ordinary text and already-masked values alone', () => {
    const text = 'Prototype Pollution in lodash 4.17.20 (CVE-2021-23337); upgrade to 4.17.21';
    expect(scrubSecrets(text)).toBe(text);
    expect(scrubSecrets('ENV GITHUB_PAT=*****')).toBe('ENV GITHUB_PAT=*****');
  });
});
