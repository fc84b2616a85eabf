import type { TrainEvent } from '../train/events.js';

/**
 * A one-line progress bar for a terminal: steps done, loss, accuracy and time left,
 * redrawn at most ten times a second.
 */
export function createProgressBar(stream: NodeJS.WriteStream): (event: TrainEvent) => void {
  let total = 0;
  let lastDraw = 0;
  const width = 28;
  const draw = (step: number, text: string) => {
    const filled = total ? Math.round((step / total) * width) : 0;
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    stream.write(`\r${bar} ${step}/${total} ${text}\x1b[K`);
  };
  return (event) => {
    switch (event.event) {
      case 'start':
        total = event.totalSteps;
        stream.write(`training on ${event.backend}: ${event.parameters.toLocaleString('en')} parameters, ${event.epochs} epochs of ${event.stepsPerEpoch} steps\n`);
        break;
      case 'step': {
        const now = Date.now();
        if (now - lastDraw < 100 && event.step < total) return;
        lastDraw = now;
        const acc = event.metrics.accuracy !== undefined ? ` acc ${(event.metrics.accuracy * 100).toFixed(1)}%` : '';
        draw(event.step, `epoch ${event.epoch} loss ${event.loss.toFixed(4)}${acc} · ${formatDuration(event.etaMs)} left`);
        break;
      }
      case 'epoch': {
        const acc = (m: Record<string, number>) => (m.accuracy !== undefined ? ` acc ${(m.accuracy * 100).toFixed(2)}%` : '');
        stream.write(`\r\x1b[Kepoch ${event.epoch}: train loss ${event.train.loss.toFixed(4)}${acc(event.train)} · test loss ${event.test.loss.toFixed(4)}${acc(event.test)}\n`);
        break;
      }
      case 'checkpoint':
        break;
      case 'done':
        stream.write(`\r\x1b[K${event.stopped ? 'stopped' : 'done'} in ${formatDuration(event.elapsedMs)} on ${event.backend}\n`);
        break;
      case 'error':
        stream.write(`\r\x1b[K`);
        break;
    }
  };
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
