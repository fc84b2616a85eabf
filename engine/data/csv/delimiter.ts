/**
 * The field separator of a CSV file whose delimiter is "auto": the most frequent of , ; tab |
 * outside quotes in the first line (a comma when none appears). Pure, so the import dialog
 * previews a file exactly as the engine will read it.
 */
export function guessDelimiter(firstLine: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t' || ch === '|')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const [ch, n] of counts) if (n > bestCount) [best, bestCount] = [ch, n];
  return best;
}
