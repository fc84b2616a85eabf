import { MISSING } from './header.js';

/** One-hot columns per categorical column: past this, the column is almost surely free text or an id. */
export const MAX_CATEGORIES = 256;

/**
 * Unicode code-point order, the same on every machine and locale (Python's sorted()).
 * Plain `<` compares UTF-16 code units, which puts characters past U+FFFF before U+E000–U+FFFF.
 */
export function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/**
 * The distinct values of the categorical columns, gathered row by row. Cells are
 * trimmed and case-sensitive ("Red" and "red" are two categories); a missing cell is
 * reported, never made a category of its own.
 */
export class CategoryCollector {
  private readonly seen: Set<string>[];

  constructor(private readonly indices: readonly number[]) {
    this.seen = indices.map(() => new Set<string>());
  }

  /** The row's categorical values in `indices` order ('' where missing, after reporting it). */
  read(fields: readonly string[], reportMissing: (column: number, message: string) => void): string[] {
    return this.indices.map((c, k) => {
      const text = fields[c].trim();
      if (MISSING.has(text.toLowerCase())) {
        reportMissing(c, text ? `missing value ("${text}")` : 'missing value');
        return '';
      }
      this.seen[k].add(text);
      return text;
    });
  }

  /** Each column's categories, sorted; or one message per column with more than MAX_CATEGORIES. */
  finish(shownPath: string, columns: readonly string[]): { categories: string[][]; problems: string[] } {
    const problems: string[] = [];
    const categories = this.seen.map((set, k) => {
      if (set.size > MAX_CATEGORIES) {
        problems.push(
          `${shownPath}: the categorical column "${columns[this.indices[k]]}" has ${set.size} distinct values, more than ${MAX_CATEGORIES} (one-hot encoding makes one feature per value): ignore the column, or group its values into fewer categories`,
        );
      }
      return [...set].sort(byCodePoint);
    });
    return { categories, problems };
  }
}

/**
 * Feature names in x's column order: numeric columns by name, each categorical column
 * expanded in place into `column=category`, one per category in sorted order.
 */
export function featureLayout(columns: readonly string[], featureIndices: readonly number[], categoricalIndices: readonly number[], categories: readonly string[][]): string[] {
  const names: string[] = [];
  for (const c of featureIndices) {
    const k = categoricalIndices.indexOf(c);
    if (k < 0) names.push(columns[c]);
    else for (const value of categories[k]) names.push(`${columns[c]}=${value}`);
  }
  return names;
}
