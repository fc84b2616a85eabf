import type { Push, Response } from '../protocol/messages.js';

/**
 * Messages between the engine host (server or Electron main) and the engine running
 * in its worker. The requests inside are the protocol's, checked again by the service.
 */
export type HostToEngine =
  | { kind: 'request'; seq: number; message: unknown }
  /** Test hook, never reachable from a client: the engine throws an uncaught error. */
  | { kind: 'crash' };

export type EngineToHost =
  | { kind: 'ready' }
  | { kind: 'response'; seq: number; response: Response }
  | { kind: 'push'; push: Push };

/** What the engine worker is started with (plain data). */
export interface EngineConfig {
  templatesDir: string;
  recoveryDir: string;
  workspaceDir: string;
  stepRate?: number;
  confineDataToWorkspace?: boolean;
}
