import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BACKEND_ORDER, parseBackendName, type BackendName } from '../backend/select.js';

/** What the commands share: argument parsing, usage messages and failure reports. */

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors turned into a usage message instead of a stack trace. */
export function parseCommandArgs<const O extends OptionsConfig>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export class UsageError extends Error {}

/** A command's usage report: `tensorloom CMD: why` and the usage line on stderr; exit code 2. */
export function usagePrinter(command: string, usageLine: string): (message: string) => number {
  return (message) => {
    console.error(`tensorloom ${command}: ${message}\n${usageLine}`);
    return 2;
  };
}

/** What `read` returns, or the exit code of `usage` when it throws a UsageError. */
export function orUsage<T>(usage: (message: string) => number, read: () => T): T | number {
  try {
    return read();
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    throw err;
  }
}

/** The parsed arguments, or the exit code of `usage` when they do not parse. */
export function parseOrUsage<const O extends OptionsConfig>(args: string[], options: O, usage: (message: string) => number): ReturnType<typeof parseCommandArgs<O>> | number {
  return orUsage(usage, () => parseCommandArgs(args, options));
}

/** --backend B: undefined when not given (the best available); a UsageError when B names no backend. */
export function backendFlag(raw: string | undefined): BackendName | undefined {
  if (raw === undefined) return undefined;
  const backend = parseBackendName(raw);
  if (backend === null) throw new UsageError(`unknown backend "${raw}" (use one of: ${BACKEND_ORDER.join(', ')})`);
  return backend;
}

/** A number flag: `fallback` when not given; a UsageError `--FLAG must be WHAT, got "raw"` when `check` fails. */
export function numberFlag<F extends number | undefined>(flag: string, raw: string | undefined, fallback: F, check: (n: number) => boolean, what: string): number | F {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!check(n)) throw new UsageError(`--${flag} must be ${what}, got "${raw}"`);
  return n;
}

export const whole = (min: number, max = Infinity) => (n: number) => Number.isInteger(n) && n >= min && n <= max;
export const positive = (n: number) => Number.isFinite(n) && n > 0;

/** Reports a failure as the train command does: a JSON error line, or a message on stderr; exit code 1. */
export function failer(command: string, json: boolean): (code: string, message: string) => number {
  return (code, message) => {
    if (json) console.log(JSON.stringify({ event: 'error', code, message }));
    else console.error(`tensorloom ${command}: ${message}`);
    return 1;
  };
}
