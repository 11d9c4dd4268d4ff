import type { Rng } from '../random/rng.js';

/**
 * ClamAV signature names (Platform.Category.Family-SignatureId-Revision),
 * with the id ranges each family's signatures were published in: a
 * scanner's reply names one of thousands, not the same placeholder each time.
 */
const FAMILIES: ReadonlyArray<readonly [name: string, from: number, to: number, revision: boolean]> = [
  ['Doc.Downloader.Emotet', 6_960_000, 9_900_000, true],
  ['Win.Malware.Agent', 6_340_000, 7_770_000, true],
  ['Xls.Dropper.Agent', 6_900_000, 7_300_000, true],
  ['Win.Trojan.Agent', 1_000_000, 1_400_000, false],
  ['Win.Ransomware.WannaCry', 6_313_000, 6_314_000, true],
];

export function clamavSignature(rng: Rng): string {
  if (rng.chance(0.15)) return 'Heuristics.Phishing.Email.SpoofedDomain';
  const [name, from, to, revision] = rng.pick(FAMILIES);
  return `${name}-${rng.int(from, to)}${revision ? '-0' : ''}`;
}
