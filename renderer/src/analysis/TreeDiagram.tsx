import { useEffect, useMemo, useRef, useState } from 'react';
import type { TreeAnalysis, TreeWireNode } from '../../../engine/protocol/messages.js';
import { classColor } from '../charts/colors.js';
import { collapsedBeyond, DEFAULT_LAYOUT, ellipsize, fitView, layoutTree, wrapRule, type LayoutItem } from './treeLayout.js';

const O = DEFAULT_LAYOUT;
/** Characters of a rule line that fit a box at 13 px monospace. */
const RULE_CHARS = 26;
/** The diagram opens unfolded as deep as fits at this scale or more (readable), at most this deep. */
const MIN_SCALE = 0.8;
const MAX_OPEN_DEPTH = 4;

/** How deep to unfold a new tree so it fits the view's width at a readable scale. */
function openingFold(tree: TreeAnalysis, viewWidth: number): Set<number> {
  for (let depth = MAX_OPEN_DEPTH; depth > 1; depth--) {
    const folded = collapsedBeyond(tree.nodes, depth);
    if (layoutTree(tree.nodes, tree.root, folded).width * MIN_SCALE <= viewWidth - 32) return folded;
  }
  return collapsedBeyond(tree.nodes, 1);
}

/**
 * The tree as a diagram: a rule in each split, the class and sample count in each
 * leaf. Click a split to fold or unfold it, click a leaf to pick its region; drag to
 * move, wheel or the buttons to zoom.
 */
export function TreeDiagram({ tree, selected, onSelect }: { tree: TreeAnalysis; selected: number | null; onSelect(leaf: number | null): void }) {
  const [collapsed, setCollapsed] = useState<Set<number>>(() => collapsedBeyond(tree.nodes, 2));
  const [view, setView] = useState({ k: 1, tx: 16, ty: 16 });
  const box = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number; tx: number; ty: number; moved: boolean } | null>(null);
  const layout = useMemo(() => layoutTree(tree.nodes, tree.root, collapsed), [tree, collapsed]);

  /** Whole tree in view; if that would make it unreadable, readable with the root centred at the top. */
  const fit = (readable = false) => {
    const el = box.current;
    if (!el) return;
    const v = fitView(layout.width, layout.height, el.clientWidth, el.clientHeight);
    if (!readable || v.k >= MIN_SCALE) return setView(v);
    const rootItem = layout.items.find((i) => i.kind === 'node' && i.id === tree.root);
    const k = MIN_SCALE;
    setView({ k, tx: el.clientWidth / 2 - ((rootItem?.x ?? 0) + O.nodeWidth / 2) * k, ty: 16 });
  };
  // A new tree opens as deep as fits readably.
  useEffect(() => setCollapsed(openingFold(tree, box.current?.clientWidth ?? 640)), [tree]);
  useEffect(() => fit(true), [layout]); // eslint-disable-line react-hooks/exhaustive-deps

  // The selected leaf is made visible: its ancestors unfold.
  useEffect(() => {
    if (selected === null) return;
    const byId = new Map(tree.nodes.map((n) => [n.id, n]));
    const open = new Set(collapsed);
    let changed = false;
    for (let p = byId.get(selected)?.parent ?? null; p !== null; p = byId.get(p)?.parent ?? null) if (open.delete(p)) changed = true;
    if (changed) setCollapsed(open);
  }, [selected]); // eslint-disable-line react-hooks/exhaustive-deps

  const zoom = (factor: number, cx?: number, cy?: number) => {
    const el = box.current;
    const x = cx ?? (el ? el.clientWidth / 2 : 0);
    const y = cy ?? (el ? el.clientHeight / 2 : 0);
    setView((v) => {
      const k = Math.max(0.1, Math.min(3, v.k * factor));
      return { k, tx: x - ((x - v.tx) * k) / v.k, ty: y - ((y - v.ty) * k) / v.k };
    });
  };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // Not a React handler: the wheel must be able to prevent the panel from scrolling.
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      zoom(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const toggle = (id: number) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const splits = tree.nodes.filter((n) => n.kind === 'split').length;
  return (
    <div className="tree-diagram">
      <div className="tree-diagram__tools">
        <button onClick={() => setCollapsed(new Set())} title="Unfold every split">
          Expand all
        </button>
        <button onClick={() => setCollapsed(collapsedBeyond(tree.nodes, 1))} title="Fold everything below the root">
          Collapse
        </button>
        <span className="tree-diagram__spacer" />
        <button onClick={() => zoom(1 / 1.25)} aria-label="Zoom out">
          −
        </button>
        <button onClick={() => zoom(1.25)} aria-label="Zoom in">
          +
        </button>
        <button onClick={() => fit()}>Fit</button>
      </div>
      <div
        className="tree-diagram__view"
        ref={box}
        data-testid="tree-diagram"
        data-nodes={layout.items.filter((i) => i.kind === 'node').length}
        data-splits={splits}
        onPointerDown={(e) => {
          drag.current = { x: e.clientX, y: e.clientY, tx: view.tx, ty: view.ty, moved: false };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d || e.buttons === 0) return;
          const dx = e.clientX - d.x;
          const dy = e.clientY - d.y;
          if (Math.abs(dx) + Math.abs(dy) > 3) d.moved = true;
          if (d.moved) setView((v) => ({ ...v, tx: d.tx + dx, ty: d.ty + dy }));
        }}
        onPointerUp={() => {
          // A drag that moved is not a click on what was under it.
          setTimeout(() => (drag.current = null));
        }}
      >
        <svg width="100%" height="100%">
          <g transform={`translate(${view.tx},${view.ty}) scale(${view.k})`}>
            {layout.edges.map((e) => (
              <g key={`e-${e.to_id}`} className="tree-edge">
                <path d={`M${e.from.x},${e.from.y} C${e.from.x},${e.from.y + O.vGap * 0.6} ${e.to.x},${e.to.y - O.vGap * 0.6} ${e.to.x},${e.to.y}`} />
                <text x={(e.from.x + e.to.x) / 2 + (e.label === 'yes' ? -6 : 6)} y={e.from.y + O.vGap / 2 + 4} textAnchor={e.label === 'yes' ? 'end' : 'start'}>
                  {e.label}
                </text>
              </g>
            ))}
            {layout.items.map((item) => (
              <DiagramItem
                key={item.kind === 'node' ? `n${item.id}` : item.id}
                item={item}
                tree={tree}
                selected={item.kind === 'node' && item.id === selected}
                onClick={() => {
                  if (drag.current?.moved || item.kind !== 'node') return;
                  if (item.node.kind === 'split') toggle(item.id);
                  else onSelect(item.id === selected ? null : item.id);
                }}
              />
            ))}
          </g>
        </svg>
      </div>
      <p className="muted tree-diagram__hint">Click a test to fold or unfold it, a leaf to show its region; drag to move, scroll to zoom. Hover a box for its whole rule.</p>
    </div>
  );
}

function DiagramItem({ item, tree, selected, onClick }: { item: LayoutItem; tree: TreeAnalysis; selected: boolean; onClick(): void }) {
  if (item.kind === 'stub') {
    const w = 96;
    return (
      <g className="tree-stub" transform={`translate(${item.x + (O.nodeWidth - w) / 2},${item.y + 8})`}>
        <rect width={w} height={O.nodeHeight - 16} rx={6} />
        <text x={w / 2} y={(O.nodeHeight - 16) / 2 + 4} textAnchor="middle">
          {item.reason}
        </text>
        <title>{item.reason === 'not built' ? 'This side was not built: the node limit was reached, or no input can get here.' : 'Not sent to the panel: the tree is too large to show whole.'}</title>
      </g>
    );
  }
  const n = item.node;
  const className = (i: number) => tree.classNames[i] ?? `class ${i}`;
  const majority = n.classCounts.length ? n.classCounts.indexOf(Math.max(...n.classCounts)) : -1;
  if (n.kind === 'leaf') {
    const color = classColor(n.class ?? 0);
    return (
      <g className={`tree-node tree-node--leaf${selected ? ' is-selected' : ''}`} transform={`translate(${item.x},${item.y})`} onClick={onClick} data-leaf={n.id}>
        <rect width={O.nodeWidth} height={O.nodeHeight} rx={8} style={{ ['--class' as string]: color }} />
        <circle cx={17} cy={O.nodeHeight / 2} r={7} fill={color} />
        <text className="tree-node__title" x={32} y={28}>
          {ellipsize(className(n.class ?? 0), 20)}
        </text>
        <text className="tree-node__sub" x={32} y={48}>
          {n.samples.toLocaleString()} sample{n.samples === 1 ? '' : 's'}
          {purity(n)}
        </text>
        <title>{leafTitle(n, className)}</title>
      </g>
    );
  }
  // Exact tree: the rule on two lines. C-Net: the test on H, then its rule on the inputs.
  const [line1, line2] = n.hidden ? [n.hidden, ellipsize(`${n.exact === false ? '≈ ' : '⇔ '}${n.rule ?? ''}`, RULE_CHARS)] : wrapRule(n.rule ?? '', RULE_CHARS);
  const line3 = `n = ${n.samples.toLocaleString()}${majority >= 0 ? ` · mostly ${className(majority)}` : ''}`;
  return (
    <g className={`tree-node tree-node--split${item.collapsed ? ' is-collapsed' : ''}`} transform={`translate(${item.x},${item.y})`} onClick={onClick}>
      <rect width={O.nodeWidth} height={O.nodeHeight} rx={8} />
      <text className={n.hidden ? 'tree-node__rule tree-node__rule--h' : 'tree-node__rule'} x={10} y={19}>
        {line1}
      </text>
      <text className="tree-node__rule" x={10} y={37}>
        {line2}
      </text>
      <text className="tree-node__sub" x={10} y={56}>
        {ellipsize(line3, RULE_CHARS + 6)}
      </text>
      {item.collapsed && (
        <g className="tree-node__more" transform={`translate(${O.nodeWidth / 2},${O.nodeHeight + 12})`}>
          <rect x={-34} y={-9} width={68} height={18} rx={9} />
          <text textAnchor="middle" y={4}>
            +{item.hiddenCount} more
          </text>
        </g>
      )}
      <title>{[n.hidden ? `${n.hidden} on ${tree.cnet?.hiddenLayer.nodeId ?? 'the last hidden layer'}` : null, n.rule, n.unit ? `sign of ${n.unit}` : null, `${n.samples} training samples reach this test`].filter(Boolean).join('\n')}</title>
    </g>
  );
}

function purity(n: TreeWireNode): string {
  const total = n.classCounts.reduce((a, b) => a + b, 0);
  if (!total || n.class === undefined) return '';
  return ` · ${Math.round(((n.classCounts[n.class] ?? 0) / total) * 100)} % agree`;
}

function leafTitle(n: TreeWireNode, className: (i: number) => string): string {
  const lines = [`${className(n.class ?? 0)}: ${n.samples} training samples`];
  if (n.classCounts.length) lines.push(`network predicts: ${n.classCounts.map((c, i) => `${className(i)} ${c}`).join(', ')}`);
  if (n.model) lines.push('linear model of the region:', ...n.model.map((m, i) => `  ${className(i)}: ${m}`));
  return lines.join('\n');
}
