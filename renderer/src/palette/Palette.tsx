import { useMemo, useState } from 'react';
import { useApp, useEngineState } from '../app/context.js';
import { addNodeOfType } from '../actions/editCommands.js';
import { KIND_MIME } from '../canvas/Canvas.js';
import { groupSlug } from '../canvas/LoomNode.js';
import { groupKinds, searchKinds } from './kindSearch.js';

/** Every node kind the engine offers, grouped; drag one onto the canvas or click to add it. */
export function Palette() {
  const app = useApp();
  const kinds = useEngineState((s) => s.kinds);
  const connection = useEngineState((s) => s.connection);
  const notice = useEngineState((s) => s.notice);
  const [query, setQuery] = useState('');
  const [collapsed, setCollapsed] = useState<Record<string, boolean>>({});
  const groups = useMemo(() => (query.trim() ? [{ group: 'Matches', kinds: searchKinds(kinds, query) }] : groupKinds(kinds)), [kinds, query]);

  return (
    <aside className="palette" data-testid="palette" aria-label="Node palette">
      <div className="palette__search">
        <input
          type="search"
          placeholder="Filter nodes…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && query.trim()) {
              const first = searchKinds(kinds, query)[0];
              if (first) addNodeOfType(app, first.type);
            }
            if (e.key === 'Escape') setQuery('');
          }}
          aria-label="Filter node kinds"
        />
      </div>
      <div className="palette__list">
        {kinds.length === 0 && (
          <p className="muted palette__empty">{connection === 'open' ? (notice ?? 'Loading node kinds…') : 'Waiting for the engine…'}</p>
        )}
        {groups.map(({ group, kinds: list }) => (
          <section key={group} className="palette__group">
            <button className="palette__group-title" onClick={() => setCollapsed((c) => ({ ...c, [group]: !c[group] }))} aria-expanded={!collapsed[group]}>
              <span className={`group-dot group-${groupSlug(group)}`} />
              {group}
              <span className="palette__count">{list.length}</span>
            </button>
            {!collapsed[group] &&
              list.map((kind) => (
                <div
                  key={kind.type}
                  className={`palette__item group-${groupSlug(kind.group)}`}
                  data-testid={`palette-item-${kind.type}`}
                  draggable
                  role="button"
                  tabIndex={0}
                  title={`${kind.summary}\nDrag onto the canvas, or click to add.`}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(KIND_MIME, kind.type);
                    e.dataTransfer.setData('text/plain', kind.type);
                    e.dataTransfer.effectAllowed = 'copy';
                  }}
                  onClick={() => addNodeOfType(app, kind.type)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') addNodeOfType(app, kind.type);
                  }}
                >
                  <span className="palette__type">{kind.type}</span>
                  <span className="palette__summary">{kind.summary}</span>
                </div>
              ))}
            {!collapsed[group] && list.length === 0 && <p className="muted palette__empty">No node matches “{query}”.</p>}
          </section>
        ))}
      </div>
    </aside>
  );
}
