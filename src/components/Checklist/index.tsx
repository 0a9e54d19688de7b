// Interactive production-readiness checklist.
//
//   <Checklist id="application" />
//
// Renders the checklist of that id from src/data/checklists.ts. Ticks are kept in
// localStorage (one key per checklist) and can be shared as a link (`?done=a,b`).
// Server rendering and the first client render show nothing ticked; storage and the URL are
// read only in useEffect, so the markup always hydrates cleanly.
import React, {useCallback, useEffect, useId, useMemo, useRef, useState, type ReactNode} from 'react';
import Link from '@docusaurus/Link';
import {checklists, itemIds, type Checklist as ChecklistData, type ChecklistItem} from '@site/src/data/checklists';
import {
  buildShareUrl,
  mergeInitialState,
  parseShareParam,
  parseStored,
  progress,
  serializeStored,
  storageKey,
  stripShareParam,
  toggle,
} from './state';
import {useDocPath, useDocTitle, useSourceUrl} from './hooks';
import PathCode from './PathCode';
import styles from './styles.module.css';

type Props = {
  /** Id of a checklist in src/data/checklists.ts. */
  id: string;
};

function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled (private mode, blocked cookies): the checklist still works for this visit
  }
}

function writeStorage(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // ignore: see readStorage
  }
}

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the manual fallback
  }
  return false;
}

export default function Checklist({id}: Props): ReactNode {
  const data: ChecklistData | undefined = checklists[id];
  if (!data) {
    throw new Error(`<Checklist id="${id}"> has no data in src/data/checklists.ts`);
  }
  const ids = useMemo(() => itemIds(data), [data]);
  const key = storageKey(data.id);

  const [done, setDone] = useState<string[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [status, setStatus] = useState('');
  const [fallbackLink, setFallbackLink] = useState<string | null>(null);
  const fallbackRef = useRef<HTMLInputElement>(null);
  const headingId = useId();

  // Restore: a share link wins over storage; then the link parameter is removed from the
  // address bar so that a reload shows what is stored.
  useEffect(() => {
    const fromUrl = parseShareParam(window.location.search, ids);
    const stored = parseStored(readStorage(key), ids);
    const initial = mergeInitialState(stored, fromUrl, ids);
    setDone(initial.done);
    setLoaded(true);
    if (initial.source === 'link') {
      writeStorage(key, serializeStored(initial.done, ids));
      window.history.replaceState(window.history.state, '', stripShareParam(window.location.href));
      setStatus(`Restored ${initial.done.length} ticked item${initial.done.length === 1 ? '' : 's'} from the shared link.`);
    }
  }, [key, ids]);

  const update = useCallback(
    (next: string[]) => {
      setDone(next);
      writeStorage(key, serializeStored(next, ids));
    },
    [key, ids],
  );

  const onShare = async () => {
    const link = buildShareUrl(window.location.href, done, ids);
    if (await copyText(link)) {
      setFallbackLink(null);
      setStatus('Share link copied to the clipboard.');
    } else {
      setFallbackLink(link);
      setStatus('Copying is not available here: the link is shown below, selected, ready to copy.');
    }
  };

  useEffect(() => {
    if (fallbackLink && fallbackRef.current) {
      fallbackRef.current.focus();
      fallbackRef.current.select();
    }
  }, [fallbackLink]);

  const onReset = () => {
    update([]);
    setFallbackLink(null);
    setStatus('All ticks cleared.');
  };

  const counts = progress(done, ids);
  const doneSet = new Set(done);

  return (
    <section className={styles.checklist} aria-labelledby={headingId}>
      <div className={styles.toolbar}>
        <p id={headingId} className={styles.progress}>
          <strong>{data.title}:</strong>{' '}
          {loaded ? `${counts.done} of ${counts.total} done` : `${counts.total} items`}
        </p>
        <div className={styles.actions}>
          <button type="button" className="button button--primary button--sm" onClick={onShare}>
            Copy share link
          </button>
          <button type="button" className="button button--secondary button--sm" onClick={onReset}>
            Reset
          </button>
        </div>
        <progress className={styles.bar} max={counts.total} value={counts.done} aria-hidden="true" />
      </div>
      <p className={styles.status} role="status" aria-live="polite">
        {status}
      </p>
      {fallbackLink && (
        <label className={styles.fallback}>
          Share link
          <input ref={fallbackRef} type="text" readOnly value={fallbackLink} className={styles.fallbackInput} />
        </label>
      )}
      {data.sections.map((section) => (
        <div key={section.title} className={styles.section}>
          <h2 className={styles.sectionTitle}>{section.title}</h2>
          <ul className={styles.items}>
            {section.items.map((item) => (
              <Item
                key={item.id}
                item={item}
                checklistId={data.id}
                checked={doneSet.has(item.id)}
                onToggle={() => update(toggle(done, item.id, ids))}
              />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function Item({
  item,
  checklistId,
  checked,
  onToggle,
}: {
  item: ChecklistItem;
  checklistId: string;
  checked: boolean;
  onToggle: () => void;
}): ReactNode {
  const source = useSourceUrl();
  const docPath = useDocPath();
  const docTitle = useDocTitle();
  const inputId = `${checklistId}-${item.id}`;
  const pageUrl = item.page ? docPath(item.page.id, item.page.anchor) : undefined;
  return (
    <li className={checked ? `${styles.item} ${styles.itemDone}` : styles.item}>
      <div className={styles.itemHead}>
        <input
          id={inputId}
          type="checkbox"
          className={styles.checkbox}
          checked={checked}
          onChange={onToggle}
          aria-describedby={`${inputId}-why`}
        />
        <label htmlFor={inputId} className={styles.itemTitle}>
          {item.title}
        </label>
        {item.origin === 'added' && <span className={styles.badge}>added in this guide</span>}
      </div>
      <dl className={styles.details}>
        <dt>Why</dt>
        <dd id={`${inputId}-why`}>{item.why}</dd>
        <dt>How</dt>
        <dd>{item.how}</dd>
        <dt>Proof</dt>
        <dd>
          {item.example ? (
            <a href={source(item.example)} className={styles.path}>
              <PathCode path={item.example} />
            </a>
          ) : (
            <span className={styles.planned}>example planned</span>
          )}
          {pageUrl && (
            <>
              {' · '}
              <Link to={pageUrl} aria-label={`explained here: ${docTitle(item.page!.id) ?? item.page!.id}`}>
                explained here
              </Link>
            </>
          )}
        </dd>
      </dl>
    </li>
  );
}
