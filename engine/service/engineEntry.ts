import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Response } from '../protocol/messages.js';
import { checkHostToEngine, type EngineConfig, type EngineToHost } from './engineChannel.js';
import { EngineService } from './engineService.js';

/**
 * The engine worker: hosts one EngineService and talks to its host over the
 * MessagePort it was given. Training keeps this thread's event loop busy (a training
 * loop only awaits microtasks), so the inbox is also read synchronously on every
 * training event: a Stop, or a validation while training, is answered within a step.
 */
const { port, ...config } = workerData as EngineConfig & { port: MessagePort };

const post = (message: EngineToHost) => port.postMessage(message);

const service = new EngineService({
  ...config,
  push: (push) => post({ kind: 'push', push }),
  onTrainingTick: () => {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) receive(m.message);
  },
});

function receive(raw: unknown): void {
  const checked = checkHostToEngine(raw);
  if (!checked.ok) {
    // Refused before the service sees it, and the host is told; a request number also
    // gets its error reply, so whoever sent it is not left waiting.
    post({ kind: 'refused', message: checked.reason.slice(0, 2000) });
    if (checked.seq !== null) post({ kind: 'response', seq: checked.seq, response: { id: -1, ok: false, error: { code: 'bad-request', message: checked.reason } } });
    return;
  }
  const message = checked.message;
  if (message.kind === 'crash') {
    setImmediate(() => {
      throw new Error('crash requested by a test');
    });
    return;
  }
  const { seq } = message;
  void service.handle(message.message, (response: Response) => post({ kind: 'response', seq, response }));
}

port.on('message', (message: unknown) => receive(message));
post({ kind: 'ready' });
