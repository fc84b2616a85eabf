import { z } from 'zod';
import { PushSchema, ResponseSchema, type Push, type Response } from '../protocol/messages.js';

/**
 * Messages between the engine host (server or Electron main) and the engine running
 * in its worker. The requests inside are the protocol's, checked again by the service.
 * Each side checks what it receives with the schemas below (the same module on both
 * sides), so a malformed message is refused with an error instead of reaching the
 * engine or the page.
 */
export type HostToEngine =
  | { kind: 'request'; seq: number; message: unknown }
  /** Test hook, never reachable from a client: the engine throws an uncaught error. */
  | { kind: 'crash' };

export type EngineToHost =
  | { kind: 'ready' }
  | { kind: 'response'; seq: number; response: Response }
  | { kind: 'push'; push: Push }
  /** The engine refused a malformed message from the host that named no request to answer. */
  | { kind: 'refused'; message: string };

const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

// The request inside is left to the service's checkRequest: the very check the
// transports make, so both sides refuse the same requests with the same message.
export const HostToEngineSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('request'), seq, message: z.unknown() }),
  z.strictObject({ kind: z.literal('crash') }),
]);

export const EngineToHostSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ready') }),
  z.strictObject({ kind: z.literal('response'), seq, response: ResponseSchema }),
  z.strictObject({ kind: z.literal('push'), push: PushSchema }),
  z.strictObject({ kind: z.literal('refused'), message: z.string().max(2000) }),
]);

export type Checked<T> = { ok: true; message: T } | { ok: false; seq: number | null; reason: string };

/** Checks one message against a channel schema; on failure names the first problem and any request number it carried. */
function check<T>(schema: z.ZodType, raw: unknown, from: string): Checked<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, message: raw as T };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(root)';
  const maybeSeq = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { seq?: unknown }).seq : undefined;
  return { ok: false, seq: seq.safeParse(maybeSeq).success ? (maybeSeq as number) : null, reason: `malformed message from the ${from}: ${where} ${issue?.message ?? 'invalid'}` };
}

export const checkHostToEngine = (raw: unknown) => check<HostToEngine>(HostToEngineSchema, raw, 'host');
export const checkEngineToHost = (raw: unknown) => check<EngineToHost>(EngineToHostSchema, raw, 'engine');

/** What the engine worker is started with (plain data). */
export interface EngineConfig {
  templatesDir: string;
  recoveryDir: string;
  workspaceDir: string;
  stepRate?: number;
  confineDataToWorkspace?: boolean;
}
