import { gaussian } from '../../util/hash.js';
import { defineSynthetic2D, samplesParam } from './common.js';

/** Two interleaving half circles, as scikit-learn's make_moons, centred on the origin. */
export const moons = defineSynthetic2D({
  name: 'moons',
  summary: 'Two interleaving half moons (2-D)',
  doc:
    'Two interleaving half circles of radius 1, as scikit-learn\'s `make_moons`, shifted so the picture is centred on the origin. ' +
    '`noise` is the standard deviation of Gaussian noise added to each coordinate (absolute units; 0.1 is mild, 0.3 makes the moons overlap).',
  params: {
    samples: samplesParam(2000),
    noise: { kind: 'number', default: 0.1, min: 0, max: 2, doc: 'Standard deviation of the Gaussian noise on each coordinate' },
  },
  classNames: () => ['upper', 'lower'],
  generate({ samples, noise }, rng) {
    const x = new Float32Array(samples * 2);
    const y = new Int32Array(samples);
    for (let i = 0; i < samples; i++) {
      const c = i % 2;
      const angle = Math.PI * rng();
      const px = c === 0 ? Math.cos(angle) : 1 - Math.cos(angle);
      const py = c === 0 ? Math.sin(angle) : 0.5 - Math.sin(angle);
      x[2 * i] = px - 0.5 + noise * gaussian(rng);
      x[2 * i + 1] = py - 0.25 + noise * gaussian(rng);
      y[i] = c;
    }
    return { x, y };
  },
});
