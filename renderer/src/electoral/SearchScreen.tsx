import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { LIST_TYPE_LABELS } from '../../../shared/electoral/types.js';
import { useNav } from '../nav/store.js';
import { formatBirthDate, plural } from '../ui/format.js';
import { useSearch } from './store.js';

const ROW_HEIGHT = 44;

/**
 * Search as you type over the local replica (works offline). Focus stays in
 * the search field; arrows move through results (combobox + listbox pattern),
 * Enter opens the fiche. Homonyms are separate rows: nothing is merged.
 */
export function SearchScreen() {
  const { query, items, total, loading, error, setQuery, loadMore } = useSearch();
  const go = useNav((s) => s.go);
  const [active, setActive] = useState(-1);
  const scrollRef = useRef<HTMLElement>(null);

  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    // happy-dom and a first paint have no layout yet: assume a visible window.
    initialRect: { width: 900, height: 440 },
  });
  const virtualItems = virtualizer.getVirtualItems();

  // Each visit runs the current query again: an import or a sync may have changed the list.
  useEffect(() => {
    setQuery(useSearch.getState().query);
  }, [setQuery]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `query` is the trigger: a new search starts with no row selected
  useEffect(() => setActive(-1), [query]);

  // Load the next page when the last rendered row comes near the end of what is loaded.
  const lastIndex = virtualItems[virtualItems.length - 1]?.index;
  useEffect(() => {
    if (lastIndex !== undefined && lastIndex >= items.length - 20) void loadMore();
  }, [lastIndex, items.length, loadMore]);

  function move(to: number) {
    if (items.length === 0) return;
    const next = Math.max(0, Math.min(items.length - 1, to));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        move(active + 1);
        break;
      case 'ArrowUp':
        e.preventDefault();
        move(active - 1);
        break;
      case 'PageDown':
        e.preventDefault();
        move(active + 10);
        break;
      case 'PageUp':
        e.preventDefault();
        move(active - 10);
        break;
      case 'Enter':
        if (active >= 0 && items[active]) {
          e.preventDefault();
          go({ name: 'elector', id: items[active].id });
        }
        break;
      case 'Escape':
        setActive(-1);
        break;
    }
  }

  const statusText =
    loading && items.length === 0
      ? 'Recherche…'
      : total === 0
        ? query
          ? 'Aucun électeur ne correspond.'
          : 'La liste électorale est vide : importez un extrait du REU.'
        : `${plural(total, 'électeur trouvé', 'électeurs trouvés')}`;

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Rechercher un électeur</h1>
      <div className="field search-field">
        <label htmlFor="search-q">Nom, prénom ou date de naissance</label>
        <p className="hint" id="search-hint">
          Les accents et les majuscules ne comptent pas. Flèches haut et bas pour parcourir, Entrée pour ouvrir la fiche.
        </p>
        <input
          id="search-q"
          type="search"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          aria-autocomplete="list"
          aria-expanded={items.length > 0}
          aria-controls="search-results"
          aria-describedby="search-hint"
          aria-activedescendant={active >= 0 ? `electeur-${active}` : undefined}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          // biome-ignore lint/a11y/noAutofocus: she came to this screen to type a name; App leaves focus in a field the screen focused itself
          autoFocus
        />
      </div>
      <p role="status" aria-live="polite" className="result-count">
        {statusText}
      </p>
      {error ? (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      ) : null}
      <div className="results" aria-hidden={items.length === 0}>
        <div className="results-head" aria-hidden="true">
          <span>Nom de naissance</span>
          <span>Nom d'usage</span>
          <span>Prénoms</span>
          <span>Né(e) le</span>
          <span>Bureau</span>
          <span>N° d'ordre</span>
          <span>Liste</span>
        </div>
        {/* A stop for the keyboard too: from the field, arrows move the choice; here, arrows and Page down scroll (RGAA 7.3, axe scrollable-region-focusable). */}
        <section className="results-scroll" ref={scrollRef} tabIndex={items.length > 0 ? 0 : -1} aria-label="Résultats de la recherche">
          <div
            role="listbox"
            id="search-results"
            aria-label="Électeurs trouvés"
            style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
          >
            {virtualItems.map((row) => {
              const e = items[row.index];
              if (!e) return null;
              const selected = row.index === active;
              return (
                // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/useFocusableInteractive: combobox pattern: focus stays in the search field (aria-activedescendant), whose keys move and open; the click is the mouse's way
                <div
                  key={e.id}
                  id={`electeur-${row.index}`}
                  role="option"
                  aria-selected={selected}
                  aria-setsize={total}
                  aria-posinset={row.index + 1}
                  className={selected ? 'result-row active' : 'result-row'}
                  data-personal
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${row.start}px)` }}
                  onClick={() => go({ name: 'elector', id: e.id })}
                  onMouseEnter={() => setActive(row.index)}
                >
                  <span className="strong">{e.birthName}</span>
                  <span>{e.usageName ?? ''}</span>
                  <span>{e.firstNames}</span>
                  <span>{formatBirthDate(e.birthDate)}</span>
                  <span>{e.bureauCode}</span>
                  <span>{e.numeroOrdre ?? '—'}</span>
                  <span title={LIST_TYPE_LABELS[e.listType]}>{e.listType}</span>
                </div>
              );
            })}
          </div>
        </section>
      </div>
    </main>
  );
}
