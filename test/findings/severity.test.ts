import { describe, expect, it } from 'vitest';
import { isAtLeast, mapSeverity, severityFromScore } from '../../src/findings/severity.js';
import { severityWordsByTool } from '../../src/scanners/registry.js';

const words = (tool: string) => {
  const row = severityWordsByTool().get(tool);
  if (!row) throw new Error(`no adapter for ${tool}`);
  return row;
};

describe('severity mapping', () => {
  it('maps npm "moderate" to medium and semgrep ERROR to high', () => {
    expect(mapSeverity(words('npm-audit'), 'moderate')).toBe('medium');
    expect(mapSeverity(words('semgrep'), 'ERROR')).toBe('high');
    expect(mapSeverity('sarif', 'note')).toBe('low');
  });
  it('maps a word the tool table does not know to unknown, never to info', () => {
    expect(mapSeverity(words('trivy'), 'weird')).toBe('unknown');
    expect(mapSeverity('sarif', 'weird')).toBe('unknown');
  });
  it('ranks unknown with medium so a medium gate still sees it', () => {
    expect(isAtLeast('unknown', 'medium')).toBe(true);
    expect(isAtLeast('unknown', 'high')).toBe(false);
  });
  it('turns CVSS scores into the qualitative scale', () => {
    expect(severityFromScore(9.8)).toBe('critical');
    expect(severityFromScore(7.5)).toBe('high');
    expect(severityFromScore(5.3)).toBe('medium');
    expect(severityFromScore(0.1)).toBe('low');
  });
});
