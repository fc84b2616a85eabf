import { useEffect, useMemo, useRef, useState } from 'react';
import { useApp, useEngineState } from '../app/context.js';
import { addNodeOfType } from '../actions/editCommands.js';
import { groupSlug } from '../canvas/LoomNode.js';
import { searchKinds } from './kindSearch.js';

/** Search-to-add: type to filter, arrows to choose, Enter places the node. */
export function AddNodeDialog({ at }: { at?: { x: number; y: number } }) {
  const app = useApp();
  const kinds = useEngineState((s) => s.kinds);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const results = useMemo(() => searchKinds(kinds, query), [kinds, query]);
  const listRef = useRef<HTMLUListElement>(null);
  const close = () => app.view.setState({ modal: null });

  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    listRef.current?.querySelector('.is-active')?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const place = (type: string) => {
    close();
    addNodeOfType(app, type, at);
  };

  return (
    <div className="dialog dialog--search" role="dialog" aria-label="Add a node" data-testid="add-node-dialog">
      <input
        autoFocus
        className="dialog__search"
        placeholder="Add a node: type to search…"
        value={query}
        data-testid="add-node-search"
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((i) => Math.min(i + 1, results.length - 1));
          else if (e.key === 'ArrowUp') setActive((i) => Math.max(i - 1, 0));
          else if (e.key === 'Enter' && results[active]) place(results[active].type);
          else if (e.key === 'Escape') close();
          else return;
          e.preventDefault();
        }}
      />
      <ul className="dialog__list" ref={listRef} role="listbox">
        {results.map((k, i) => (
          <li
            key={k.type}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'dialog__option is-active' : 'dialog__option'}
            onMouseEnter={() => setActive(i)}
            onClick={() => place(k.type)}
          >
            <span className={`group-dot group-${groupSlug(k.group)}`} />
            <span className="dialog__option-title">{k.type}</span>
            <span className="dialog__option-detail">{k.summary}</span>
            <span className="dialog__option-group">{k.group}</span>
          </li>
        ))}
        {results.length === 0 && <li className="dialog__empty">No node kind matches “{query}”.</li>}
      </ul>
    </div>
  );
}
