import { datasetKinds } from '../data/registry.js';
import { allKinds } from '../nodes/registry.js';
import type { DatasetInfo, NodeKindInfo } from '../protocol/messages.js';

/** The palette, inspector forms and docs: every node kind as plain data. */
export function nodeKindInfos(): NodeKindInfo[] {
  return allKinds.map((k) => ({
    type: k.type,
    group: k.group,
    summary: k.summary,
    doc: k.doc,
    ...(k.role ? { role: k.role } : {}),
    inputs: k.inputs.map((p) => ({ name: p.name, doc: p.doc, ...(p.optional ? { optional: true } : {}) })),
    outputs: k.outputs.map((p) => ({ name: p.name, doc: p.doc })),
    params: { ...k.params },
  }));
}

/** The dataset chooser and its parameter forms. */
export function datasetInfos(): DatasetInfo[] {
  return datasetKinds.map((d) => ({ name: d.name, summary: d.summary, doc: d.doc, params: { ...d.params }, twoD: d.twoD, ownSplit: d.ownSplit }));
}
