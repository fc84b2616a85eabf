import { it } from 'vitest';
import { tf } from '../../tf.js';
import { Script } from './script.js';
import { runKind } from '../../../test/helpers/kinds.js';

it('smoke', () => {
  const x = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 3);
  const p = { functions: 3, typeDim: 3, codeDim: 4, loc: 2, iterations: 2, heads: 2, hidden: 6, keyDim: 3, truncation: 1.2 };
  const r = runKind(Script, p, { in: x });
  console.log(r.outputs.out.shape, r.records.compatibility.arraySync(), r.records.routing.arraySync());
  const g = tf.grads((xx) => tf.sum(tf.square(runKind(Script, p, { in: xx }, { vars: r.vars }).outputs.out)))([x]);
  console.log(g[0].shape, tf.sum(tf.abs(g[0])).dataSync());
  const vg = tf.variableGrads(() => tf.sum(tf.square(runKind(Script, p, { in: x }, { vars: r.vars }).outputs.out)) as tf.Scalar);
  console.log(Object.keys(vg.grads).length, Object.keys(r.vars).length);
});
