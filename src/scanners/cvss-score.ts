// CVSS vector -> base score, through ae-cvss-calculator (CVSS 2.0, 3.0, 3.1 and 4.0). osv-scanner
// reports carry only vectors (`severity[].score`), which must be scored to get a severity.
import cvssCalculator from 'ae-cvss-calculator';

// The library warns on the console about malformed parts; only well-formed vectors are handed to it.
const V2 = /^(?:\(?)AV:[LAN]\/AC:[HML]\/Au:[MSN]\/C:[NPC]\/I:[NPC]\/A:[NPC](?:\/[A-Za-z]+:[A-Z]+)*\)?$/;
const V3 = /^CVSS:3\.[01]\/(?:[A-Za-z]+:[A-Za-z]+\/)*[A-Za-z]+:[A-Za-z]+$/;
const V4 = /^CVSS:4\.0\/(?:[A-Za-z]+:[A-Za-z]+\/)*[A-Za-z]+:[A-Za-z]+$/;

const V3_BASE = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'];
const V4_BASE = ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'];

/** A partial vector would score 0 ("none"), which is not what its author meant: require every base metric. */
function hasAll(vector: string, metrics: readonly string[]): boolean {
  const present = new Set(vector.split('/').map((part) => part.split(':')[0]));
  return metrics.every((m) => present.has(m));
}

/** The base score of a CVSS vector, or undefined when it is not a complete vector the calculator knows. */
export function scoreCvssVector(vector: string): number | undefined {
  const text = vector.trim();
  try {
    let score: number | undefined;
    if (V4.test(text) && hasAll(text, V4_BASE)) score = new cvssCalculator.Cvss4P0(text).calculateScores().base;
    else if (text.startsWith('CVSS:3.1/') && V3.test(text) && hasAll(text, V3_BASE)) score = new cvssCalculator.Cvss3P1(text).calculateScores().base;
    else if (text.startsWith('CVSS:3.0/') && V3.test(text) && hasAll(text, V3_BASE)) score = new cvssCalculator.Cvss3P0(text).calculateScores().base;
    else if (V2.test(text)) score = new cvssCalculator.Cvss2(text).calculateScores().base;
    return typeof score === 'number' && Number.isFinite(score) && score >= 0 && score <= 10 ? score : undefined;
  } catch {
    // An unknown metric or value: not scorable.
    return undefined;
  }
}
