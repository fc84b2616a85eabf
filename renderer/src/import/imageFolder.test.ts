import { describe, expect, it } from 'vitest';
import { groupImageFolder } from './imageFolder.js';
import { starterNetwork } from './starterNetwork.js';

const file = (path: string, size = 10) => ({ name: path.split('/').pop()!, size, webkitRelativePath: path });

describe('groupImageFolder', () => {
  it('groups pictures by sub-folder, sorted, skipping other files and hidden ones', () => {
    const r = groupImageFolder([file('pets/dog/b.jpg'), file('pets/cat/a.PNG'), file('pets/dog/a.jpeg'), file('pets/dog/notes.txt'), file('pets/.DS_Store'), file('pets/cat/.thumb.png'), file('pets/README.md')]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.folder.root).toBe('pets');
    expect(r.folder.classes.map((c) => [c.name, c.files.map((f) => f.name)])).toEqual([
      ['cat', ['a.PNG']],
      ['dog', ['a.jpeg', 'b.jpg']],
    ]);
    expect(r.folder.count).toBe(3);
    expect(r.folder.bytes).toBe(30);
    expect(r.folder.skipped).toEqual(['dog/notes.txt', 'README.md']);
  });

  it('refuses one class, and says so when pictures lie loose in the folder', () => {
    expect(groupImageFolder([file('x/only/a.png'), file('x/only/b.png')])).toEqual({ ok: false, message: 'The folder “x” has pictures in only one sub-folder ("only"): an image dataset needs one sub-folder per class, at least two classes.' });
    const loose = groupImageFolder([file('x/a.png'), file('x/b.png')]);
    expect(loose).toMatchObject({ ok: false, message: expect.stringContaining('Its 2 pictures lie directly in it') });
  });
});

describe('starterNetwork', () => {
  it('flattens pictures and ends in as many units as classes, wired to the loss', () => {
    const { nodes, edges } = starterNetwork({ images: true, task: 'classification', classes: 3 });
    expect(nodes.map((n) => n.type)).toEqual(['Input', 'Flatten', 'Linear', 'ReLU', 'Linear', 'CrossEntropy']);
    expect(nodes[4].params).toEqual({ units: 3 });
    expect(edges).toContainEqual({ source: 'input1', sourcePort: 'y', target: 'crossentropy1', targetPort: 'labels' });
    expect(edges).toContainEqual({ source: 'input1', sourcePort: 'x', target: 'flatten1', targetPort: 'in' });
  });

  it('regression ends in one unit and MSE', () => {
    const { nodes, edges } = starterNetwork({ images: false, task: 'regression', classes: 0 });
    expect(nodes.map((n) => n.type)).toEqual(['Input', 'Linear', 'ReLU', 'Linear', 'MSE']);
    expect(nodes[3].params).toEqual({ units: 1 });
    expect(edges).toContainEqual({ source: 'linear2', sourcePort: 'out', target: 'mse1', targetPort: 'pred' });
  });
});
