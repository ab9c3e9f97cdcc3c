import { describe, expect, it } from 'vitest';
import { isAtLeast, mapSeverity, severityFromScore } from '../../src/findings/severity.js';

describe('severity mapping', () => {
  it('maps npm "moderate" to medium and semgrep ERROR to high', () => {
    expect(mapSeverity('npm-audit', 'moderate')).toBe('medium');
    expect(mapSeverity('semgrep', 'ERROR')).toBe('high');
  });
  it('maps a word the tool table does not know to unknown, never to info', () => {
    expect(mapSeverity('trivy', 'weird')).toBe('unknown');
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
