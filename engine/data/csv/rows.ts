import Papa from 'papaparse';

export interface CsvRow {
  fields: string[];
  /** The 1-based line the row starts on (a quoted field may hold line breaks). */
  line: number;
  /** A quoted field is not closed, or a quote stands inside an unquoted field. */
  badQuotes: boolean;
}

/**
 * Calls `visit` for each data row of a CSV text (BOM already stripped): the header
 * row (when there is one) and blank lines are skipped. Shared by the loader and the
 * describe-time category scan so both count lines the same way.
 */
export function forEachRow(text: string, delimiter: string, header: boolean, visit: (row: CsvRow) => void): void {
  let line = 1; // line on which the current row starts
  let cursor = 0;
  let rowIndex = 0;
  Papa.parse<string[]>(text, {
    delimiter,
    step(result) {
      const fields = result.data;
      const rowLine = line;
      // Advance to the line after this row.
      const end = result.meta.cursor;
      for (let i = cursor; i < end; i++) if (text.charCodeAt(i) === 10) line++;
      cursor = end;
      if (rowIndex++ === 0 && header) return;
      if (fields.length === 1 && fields[0].trim() === '') return; // blank line
      visit({ fields, line: rowLine, badQuotes: result.errors.some((e) => e.type === 'Quotes') });
    },
  });
}
