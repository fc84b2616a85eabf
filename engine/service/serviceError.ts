/**
 * A request the engine refuses for a reason the user can act on (unknown run, file
 * outside the workspace, …). The code goes into the error reply; anything else thrown
 * by a handler becomes code "internal".
 */
export class ServiceError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ServiceError';
  }
}
