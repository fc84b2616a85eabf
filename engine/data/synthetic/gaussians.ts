import { gaussian } from '../../util/hash.js';
import { defineSynthetic2D, samplesParam } from './common.js';

/**
 * Gaussian clusters on a grid over [-1, 1]², `clustersPerClass` of them per class, the
 * clusters dealt to classes by the seed. With several clusters per class, one class
 * sits in far-apart places: the kind of data where mixture-of-experts gates help.
 */
export const gaussians = defineSynthetic2D({
  name: 'gaussians',
  summary: 'Gaussian clusters, one or more per class (2-D)',
  doc:
    'Round Gaussian clusters whose centres sit on a grid over [-1, 1]²; each class owns `clustersPerClass` of them, dealt out at random by the seed, so with several clusters per class one class lives in far-apart places. ' +
    '`spread` is the standard deviation of each cluster **as a fraction of the distance between neighbouring centres**: 0.15 keeps clusters apart, 0.5 makes them blend.',
  params: {
    samples: samplesParam(2000),
    classes: { kind: 'int', default: 4, min: 2, max: 16, doc: 'Number of classes' },
    clustersPerClass: { kind: 'int', default: 1, min: 1, max: 8, doc: 'Clusters each class owns' },
    spread: { kind: 'number', default: 0.15, min: 0, max: 2, doc: 'Cluster standard deviation, as a fraction of the distance between neighbouring centres' },
  },
  classNames: ({ classes }) => Array.from({ length: classes }, (_, c) => `class ${c + 1}`),
  check: ({ samples, classes, clustersPerClass }) =>
    samples < classes * clustersPerClass
      ? [{ param: 'samples', message: `parameter "samples" must be at least classes × clustersPerClass = ${classes * clustersPerClass}, so every cluster gets a point` }]
      : [],
  generate({ samples, classes, clustersPerClass, spread }, rng) {
    const clusters = classes * clustersPerClass;
    const columns = Math.ceil(Math.sqrt(clusters));
    const rows = Math.ceil(clusters / columns);
    const step = 2 / Math.max(1, columns - 1); // columns >= rows, so the grid spans [-1, 1] across
    // Grid cells in a seeded order: the first `clustersPerClass` go to class 0, and so on.
    const cells = Array.from({ length: columns * rows }, (_, k) => k);
    for (let i = cells.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [cells[i], cells[j]] = [cells[j], cells[i]];
    }
    const centre = (k: number): [number, number] => {
      const cell = cells[k];
      return [((cell % columns) - (columns - 1) / 2) * step, (Math.floor(cell / columns) - (rows - 1) / 2) * step];
    };
    const sigma = spread * step;
    const x = new Float32Array(samples * 2);
    const y = new Int32Array(samples);
    for (let i = 0; i < samples; i++) {
      const c = i % classes;
      const k = Math.floor(i / classes) % clustersPerClass;
      const [cx, cy] = centre(c * clustersPerClass + k);
      x[2 * i] = cx + sigma * gaussian(rng);
      x[2 * i + 1] = cy + sigma * gaussian(rng);
      y[i] = c;
    }
    return { x, y };
  },
});
