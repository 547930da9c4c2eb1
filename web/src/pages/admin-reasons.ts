/**
 * The console speaks English: the 18 report reasons of the comment API (src/domain/report-reasons.ts,
 * indexed by `reason`) in English. The API keeps Bilibili's Chinese `reason_text` for clients.
 */
const REASONS_EN: readonly string[] = [
  'Other',
  'Spam or advertising',
  'Pornography',
  'Flooding',
  'Flame-baiting',
  'Spoilers',
  'Politics',
  'Personal attack',
  'Off-topic',
  'Illegal content',
  'Vulgarity',
  'Illegal website',
  'Gambling or fraud',
  'Misinformation',
  'Incitement',
  'Privacy violation',
  'Floor grabbing',
  'Harmful to minors',
];

export function reasonText(reason: number): string {
  return REASONS_EN[reason] ?? `Reason ${reason}`;
}
