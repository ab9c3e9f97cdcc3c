import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import {
  affectedServices,
  normalizeRelPath,
  resolveServices,
  ROOT_SERVICE,
  serviceForPath,
} from '../../src/services/discover.js';

function repo(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-services-'));
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), '');
  }
  return root;
}

describe('resolveServices', () => {
  it('discovers service folders by marker files under the configured roots', () => {
    const root = repo([
      'services/orders-api/package.json',
      'services/billing-worker/requirements.txt',
      'services/edge-proxy/Dockerfile',
      'services/docs-only/README.md',
      'apps/web/package.json',
      'packages/web/package.json',
      'tools/script/package.json',
    ]);
    const services = resolveServices(root, ConfigSchema.parse({}));
    expect(services.map((s) => [s.name, s.path])).toEqual([
      ['apps-web', 'apps/web'],
      ['packages-web', 'packages/web'],
      ['billing-worker', 'services/billing-worker'],
      ['edge-proxy', 'services/edge-proxy'],
      ['orders-api', 'services/orders-api'],
    ]);
    expect(services[0].dir).toBe(join(root, 'apps/web'));
  });

  it('uses the explicit list as given and refuses a folder that does not exist', () => {
    const root = repo(['api/package.json']);
    const ok = resolveServices(root, ConfigSchema.parse({ services: [{ name: 'api', path: './api/', image: 'api:1' }] }));
    expect(ok).toEqual([{ name: 'api', path: 'api', dir: join(root, 'api'), image: 'api:1', gate: undefined }]);
    expect(() => resolveServices(root, ConfigSchema.parse({ services: [{ name: 'x', path: 'nope' }] }))).toThrow(
      ConfigError,
    );
    expect(() => resolveServices(root, ConfigSchema.parse({ services: [{ name: 'x', path: '../up' }] }))).toThrow(
      /outside the repository/,
    );
  });

  it('takes a folder whose name starts with two dots (..data) as inside the repository', () => {
    const root = repo(['..data/package.json']);
    const ok = resolveServices(root, ConfigSchema.parse({ services: [{ name: 'data', path: '..data' }] }));
    expect(ok.map((s) => [s.name, s.path, s.dir])).toEqual([['data', '..data', join(root, '..data')]]);
  });
});

describe('resolveServices without service folders', () => {
  it('makes the repository itself the one service, so a single-service repo is scanned', () => {
    const root = repo(['package.json', 'src/index.js']);
    const services = resolveServices(root, ConfigSchema.parse({}));
    expect(services).toHaveLength(1);
    expect(services[0]).toMatchObject({ path: '', dir: root });
    expect(services[0].name).toMatch(/^gatehouse-services-/);
    expect(serviceForPath(services, 'src/index.js')).toBe(services[0].name);
  });

  it('refuses a folder that does not exist instead of scanning nothing', () => {
    expect(() => resolveServices('/nonexistent/gatehouse-repo', ConfigSchema.parse({}))).toThrow(
      /the folder to scan, \/nonexistent\/gatehouse-repo, does not exist/,
    );
  });
});

describe('serviceForPath', () => {
  const services = [
    { name: 'api', path: 'services/api', dir: '/r/services/api' },
    { name: 'api-admin', path: 'services/api/admin', dir: '/r/services/api/admin' },
    { name: 'apix', path: 'services/apix', dir: '/r/services/apix' },
  ];

  it('maps every path to exactly one service by the longest folder prefix', () => {
    expect(serviceForPath(services, 'services/api/src/index.ts')).toBe('api');
    expect(serviceForPath(services, 'services/api/admin/x.py')).toBe('api-admin');
    expect(serviceForPath(services, './services/apix/package-lock.json')).toBe('apix');
    expect(serviceForPath(services, 'services/api')).toBe('api');
  });

  it('gives paths outside every service to the root service', () => {
    expect(serviceForPath(services, '.env')).toBe(ROOT_SERVICE);
    expect(serviceForPath(services, 'services/apiary/x')).toBe(ROOT_SERVICE);
  });

  it('lets a service declared at "." own what no other service owns', () => {
    const withRoot = [...services, { name: 'platform', path: normalizeRelPath('.'), dir: '/r' }];
    expect(serviceForPath(withRoot, '.github/workflows/ci.yml')).toBe('platform');
    expect(serviceForPath(withRoot, 'services/api/a.ts')).toBe('api');
  });
});

describe('affectedServices', () => {
  const services = [
    { name: 'a', path: 'services/a', dir: '/r/services/a' },
    { name: 'b', path: 'services/b', dir: '/r/services/b' },
    { name: 'c', path: 'services/c', dir: '/r/services/c' },
  ];

  it('narrows the scan to the services whose files changed', () => {
    expect(affectedServices(services, ['services/c/x.js', 'services/a/package-lock.json']).map((s) => s.name)).toEqual([
      'a',
      'c',
    ]);
    expect(affectedServices(services, ['README.md'])).toEqual([]);
    expect(affectedServices(services, [])).toEqual([]);
  });

  it('scans everything when the config or the ignore file changed', () => {
    expect(affectedServices(services, ['.gatehouse.yml']).map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(
      affectedServices(services, ['sec/ignore.yml'], { 'ignore-file': './sec/ignore.yml' }).map((s) => s.name),
    ).toEqual(['a', 'b', 'c']);
  });
});
