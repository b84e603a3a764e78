import { useRef, useState } from 'react';
import type { ProtocolHit, ProtocolInfo } from '../../../electron/shared/contract';
import { request } from '../api';
import { LoadView } from '../components/LoadState';
import { ProtocolBody } from '../components/ProtocolBody';
import { useRequest } from '../hooks/useRequest';
import { routeHref } from '../lib/route';

/** Downtime procedures, protocols and forms: by category, searchable, opened in the app, printable. */
export function ProtocolsView({ id }: { id: string | null }) {
  const list = useRequest('protocols', {});
  const [query, setQuery] = useState('');
  const seq = useRef(0);
  const [hits, setHits] = useState<{ hits: ProtocolHit[] | null; error: string | null }>({ hits: null, error: null });

  const search = (value: string) => {
    setQuery(value);
    const mine = ++seq.current;
    const q = value.trim();
    if (!q) return setHits({ hits: null, error: null });
    void request('protocolSearch', { text: q.slice(0, 200) }).then((r) => {
      // Only the answer to the latest keystroke counts.
      if (mine === seq.current) setHits({ hits: r.ok ? r.value : [], error: r.ok ? null : r.error.message });
    });
  };

  return (
    <div className="view protocols">
      <aside className="protocol-list" aria-label="Protocols and forms">
        <h1>Protocols and forms</h1>
        <label htmlFor="protocol-search">Search all documents</label>
        <input id="protocol-search" className="protocol-search" type="search" value={query} onChange={(e) => search(e.target.value)} autoComplete="off" />
        {hits.error && <p className="notice-error">{hits.error}</p>}
        {query.trim() && hits.hits ? (
          <section aria-label="Search results" data-testid="protocol-hits">
            <h2>
              {hits.hits.length} document{hits.hits.length === 1 ? '' : 's'} match
            </h2>
            <ul>
              {hits.hits.map((h) => (
                <li key={h.id}>
                  <ProtocolLink p={h} current={id} />
                  <span className="snippet">{h.snippet}</span>
                </li>
              ))}
            </ul>
          </section>
        ) : (
          <LoadView load={list} what="protocol list">
            {(protocols) => <ByCategory protocols={protocols} current={id} />}
          </LoadView>
        )}
      </aside>
      <div>{id ? <OpenProtocol id={id} /> : <p className="empty">Choose a document on the left.</p>}</div>
    </div>
  );
}

function ProtocolLink({ p, current }: { p: ProtocolInfo; current: string | null }) {
  return (
    <a href={routeHref({ name: 'protocols', id: p.id })} aria-current={p.id === current ? 'page' : undefined}>
      {p.title}
      <span className="kind-tag">{p.kind.toUpperCase()}</span>
    </a>
  );
}

function ByCategory({ protocols, current }: { protocols: ProtocolInfo[]; current: string | null }) {
  if (protocols.length === 0) return <p className="empty">No protocols or forms came with this snapshot.</p>;
  const categories = [...new Set(protocols.map((p) => p.category))].sort((a, b) => a.localeCompare(b));
  return (
    <>
      {categories.map((c) => (
        <section key={c} aria-label={c}>
          <h2>{c}</h2>
          <ul>
            {protocols
              .filter((p) => p.category === c)
              .sort((a, b) => a.title.localeCompare(b.title))
              .map((p) => (
                <li key={p.id}>
                  <ProtocolLink p={p} current={current} />
                </li>
              ))}
          </ul>
        </section>
      ))}
    </>
  );
}

function OpenProtocol({ id }: { id: string }) {
  const load = useRequest('protocolOpen', { id });
  return (
    <LoadView load={load} what="document">
      {(doc) => (
        <article aria-label={doc.title} data-testid="protocol-document">
          <div className="view-head">
            <h1>{doc.title}</h1>
            <a className="button primary" href={routeHref({ name: 'print', kind: 'protocol', id: doc.id })}>
              Print this document
            </a>
          </div>
          <p className="muted">{doc.category}</p>
          <ProtocolBody doc={doc} />
        </article>
      )}
    </LoadView>
  );
}
