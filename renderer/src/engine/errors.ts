/**
 * Turns a failed request into a sentence for the user. A method the engine does not
 * offer yet is said plainly instead of leaving an empty panel.
 */
export function describeFailure(err: unknown, feature: string): string {
  const code = (err as { code?: string })?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'unknown-method' || /unknown method/i.test(message)) return `${feature} is not available from this engine yet.`;
  if (code === 'not-implemented' || /not (yet )?implemented/i.test(message)) return `${feature} is not available from this engine yet (${message}).`;
  if (code === 'disconnected') return `${feature} failed: the engine is not connected (${message}).`;
  return `${feature} failed: ${message}`;
}

export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  const message = err instanceof Error ? err.message : String(err);
  return code === 'unknown-method' || code === 'not-implemented' || /unknown method|not (yet )?implemented/i.test(message);
}
