import { gaussian } from '../../util/hash.js';
import { defineSynthetic2D, samplesParam } from './common.js';

/** The XOR pattern: the class is whether the two coordinates have the same sign. */
export const xor = defineSynthetic2D({
  name: 'xor',
  summary: 'Four quadrants, opposite ones in the same class (2-D)',
  doc:
    'Points uniform in the square [-1, 1]², class "same sign" in the first and third quadrants and "opposite sign" in the other two: the problem a single linear layer cannot solve. ' +
    '`noise` is the standard deviation of Gaussian noise added to each coordinate after the label is chosen (absolute units).',
  params: {
    samples: samplesParam(2000),
    noise: { kind: 'number', default: 0.05, min: 0, max: 2, doc: 'Standard deviation of the Gaussian noise on each coordinate' },
  },
  classNames: () => ['same sign', 'opposite sign'],
  generate({ samples, noise }, rng) {
    const x = new Float32Array(samples * 2);
    const y = new Int32Array(samples);
    for (let i = 0; i < samples; i++) {
      const c = i % 2;
      const sx = rng() < 0.5 ? -1 : 1;
      const sy = c === 0 ? sx : -sx;
      x[2 * i] = sx * rng() + noise * gaussian(rng);
      x[2 * i + 1] = sy * rng() + noise * gaussian(rng);
      y[i] = c;
    }
    return { x, y };
  },
});
