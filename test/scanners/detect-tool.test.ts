import { describe, expect, it } from 'vitest';
import { detectTool, readVersion } from '../../src/scanners/detect-tool.js';

describe('detectTool (real child processes)', () => {
  it('reads the version of an installed tool', async () => {
    const detection = await detectTool([process.execPath, '--version'], 'install node');
    expect(detection).toEqual({ installed: true, version: process.versions.node, installHint: 'install node' });
  });
  it('reports a missing executable as not installed, with the hint', async () => {
    const detection = await detectTool(['gatehouse-no-such-tool-xyz', '--version'], 'install it from example.org');
    expect(detection).toEqual({ installed: false, installHint: 'install it from example.org' });
  });
  it('treats a tool that exits non-zero on --version as not usable', async () => {
    const detection = await detectTool([process.execPath, '-e', 'process.exit(3)'], 'hint');
    expect(detection.installed).toBe(false);
  });
});

describe('readVersion', () => {
  it.each([
    ['Version: 0.56.2\nVulnerability DB: ...', '0.56.2'],
    ['v8.18.0', '8.18.0'],
    ['1.84.1', '1.84.1'],
    ['osv-scanner version: 1.9.2\ncommit: abc', '1.9.2'],
    ['grype 0.96.0', '0.96.0'],
  ])('reads %j as %s', (text, version) => {
    expect(readVersion(text)).toBe(version);
  });
});
