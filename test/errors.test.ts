import { describe, expect, it } from 'vitest';
import { withoutUrlPasswords } from '../src/errors.js';

describe('withoutUrlPasswords', () => {
  it('masks the password of a URL user part, of a URL query and of a key=value connection string', () => {
    expect(withoutUrlPasswords('at postgres://app:S3cret@db:5432/x failed')).toBe('at postgres://app:****@db:5432/x failed');
    expect(withoutUrlPasswords('at postgres://app@db/x?sslmode=require&password=S3cret&application_name=g failed')).toBe('at postgres://app@db/x?sslmode=require&password=****&application_name=g failed');
    expect(withoutUrlPasswords('postgres://app@db/x?PassWord=S3cret#frag')).toBe('postgres://app@db/x?PassWord=****#frag');
    expect(withoutUrlPasswords("host=db user=app password='S3 cret' dbname=x sslpassword=K3y")).toBe('host=db user=app password=**** dbname=x sslpassword=****');
    expect(withoutUrlPasswords('host=db password = S3cret')).toBe('host=db password = ****');
    // An unencoded @ in the password (pg takes the last @ before the host); an escaped quote in a quoted one.
    expect(withoutUrlPasswords("--from: no such file postgres://gh:s3cr@t@db/x")).toBe('--from: no such file postgres://gh:****@db/x');
    expect(withoutUrlPasswords("host=db password='a\\'b' dbname=x")).toBe('host=db password=**** dbname=x');
  });

  it('leaves text without a password as it is', () => {
    for (const text of ['cannot connect to PostgreSQL at postgres://app@db/x: connection refused', 'unknown flag --password', 'https://example.com/a?b=c']) expect(withoutUrlPasswords(text)).toBe(text);
  });
});
