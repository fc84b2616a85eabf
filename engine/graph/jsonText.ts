import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Problem } from './problems.js';

export interface ParsedText {
  value: unknown;
  problems: Problem[];
  /** Line and column (1-based) of the value at a JSON path, found lazily. */
  locate(path: (string | number)[]): { line: number; column: number } | undefined;
}

/**
 * Strict JSON parse that reports syntax errors with their line and column, and can
 * map a path back to where it stands in the text so later problems name a line.
 */
export function parseJsonText(text: string): ParsedText {
  let tree: Node | undefined | null = null;
  const lineStarts = computeLineStarts(text);
  const position = (offset: number) => offsetToPosition(lineStarts, offset);
  const locate = (path: (string | number)[]) => {
    if (tree === null) tree = parseTree(text) ?? undefined;
    const node = tree && findNodeAtLocation(tree, path);
    return node ? position(node.offset) : undefined;
  };
  try {
    return { value: JSON.parse(text), problems: [], locate };
  } catch {
    const errors: ParseError[] = [];
    parse(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    const where = first ? position(first.offset) : { line: 1, column: 1 };
    const what = first ? describeParseError(printParseErrorCode(first.error)) : 'the text is not valid JSON';
    const more = errors.length > 1 ? ` (${errors.length - 1} more syntax errors after it)` : '';
    return {
      value: undefined,
      problems: [
        {
          severity: 'error',
          code: 'json-syntax',
          message: `not valid JSON: ${what}${more}. The file may be truncated or not a Tensorloom graph.`,
          ...where,
        },
      ],
      locate: () => undefined,
    };
  }
}

function describeParseError(code: string): string {
  const plain: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    ValueExpected: 'a value was expected',
    CommaExpected: 'a comma was expected',
    ColonExpected: 'a colon was expected',
    PropertyNameExpected: 'a quoted property name was expected',
    CloseBraceExpected: 'a closing } was expected',
    CloseBracketExpected: 'a closing ] was expected',
    EndOfFileExpected: 'text continues after the end of the document',
    UnexpectedEndOfString: 'a string is not closed',
    UnexpectedEndOfNumber: 'a number is cut off',
    InvalidCommentToken: 'comments are not allowed',
    InvalidCharacter: 'invalid character',
  };
  return plain[code] ?? code;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function offsetToPosition(lineStarts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
}
