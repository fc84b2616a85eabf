import { gaussian } from '../../util/hash.js';
import { defineSynthetic2D, samplesParam } from './common.js';

/** A small circle inside a large one, as scikit-learn's make_circles. */
export const circles = defineSynthetic2D({
  name: 'circles',
  summary: 'A circle inside a circle (2-D)',
  doc:
    'Points on two concentric circles, as scikit-learn\'s `make_circles`: the outer one of radius 1, the inner one of radius `factor`. ' +
    '`noise` is the standard deviation of Gaussian noise added to each coordinate (absolute units).',
  params: {
    samples: samplesParam(2000),
    noise: { kind: 'number', default: 0.05, min: 0, max: 2, doc: 'Standard deviation of the Gaussian noise on each coordinate' },
    factor: { kind: 'number', default: 0.5, min: 0, max: 1, exclusiveMin: true, doc: 'Radius of the inner circle relative to the outer one' },
  },
  classNames: () => ['outer', 'inner'],
  check: ({ factor }) => (factor >= 1 ? [{ param: 'factor', message: 'parameter "factor" must be below 1 (the inner circle must be smaller)' }] : []),
  generate({ samples, noise, factor }, rng) {
    const x = new Float32Array(samples * 2);
    const y = new Int32Array(samples);
    for (let i = 0; i < samples; i++) {
      const c = i % 2;
      const r = c === 0 ? 1 : factor;
      const angle = 2 * Math.PI * rng();
      x[2 * i] = r * Math.cos(angle) + noise * gaussian(rng);
      x[2 * i + 1] = r * Math.sin(angle) + noise * gaussian(rng);
      y[i] = c;
    }
    return { x, y };
  },
});
