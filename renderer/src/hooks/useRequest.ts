import { useEffect, useState } from 'react';
import type { ChannelName, RequestOf, ResponseOf } from '../../../electron/shared/contract';
import type { ErrorInfo } from '../../../electron/shared/result';
import { request } from '../api';

export type Load<T> = { state: 'loading' } | { state: 'error'; error: ErrorInfo } | { state: 'ready'; value: T };

/**
 * Ask the API and follow the answer: loading, error (with the service's own sentence) or
 * ready. A newer request replaces an older one; a late answer to an old one is dropped.
 * `input` null means "nothing to ask yet".
 */
export function useRequest<C extends ChannelName>(channel: C, input: RequestOf<C> | null): Load<ResponseOf<C>> {
  const key = input === null ? null : JSON.stringify(input);
  const [load, setLoad] = useState<{ key: string | null; load: Load<ResponseOf<C>> }>({ key, load: { state: 'loading' } });

  useEffect(() => {
    if (key === null) return;
    let current = true;
    void request(channel, JSON.parse(key) as RequestOf<C>).then((result) => {
      if (!current) return;
      setLoad({ key, load: result.ok ? { state: 'ready', value: result.value } : { state: 'error', error: result.error } });
    });
    return () => {
      current = false;
    };
  }, [channel, key]);

  return load.key === key ? load.load : { state: 'loading' };
}

/** Several requests of one channel at once (a unit's MARs): ready when all are. */
export function useRequests<C extends ChannelName>(channel: C, inputs: RequestOf<C>[] | null): Load<ResponseOf<C>[]> {
  const key = inputs === null ? null : JSON.stringify(inputs);
  const [load, setLoad] = useState<{ key: string | null; load: Load<ResponseOf<C>[]> }>({ key, load: { state: 'loading' } });

  useEffect(() => {
    if (key === null) return;
    let current = true;
    const list = JSON.parse(key) as RequestOf<C>[];
    void Promise.all(list.map((input) => request(channel, input))).then((results) => {
      if (!current) return;
      const failed = results.find((r) => !r.ok);
      setLoad({
        key,
        load: failed && !failed.ok
          ? { state: 'error', error: failed.error }
          : { state: 'ready', value: results.map((r) => (r.ok ? r.value : null)).filter((v): v is ResponseOf<C> => v !== null) },
      });
    });
    return () => {
      current = false;
    };
  }, [channel, key]);

  return load.key === key ? load.load : { state: 'loading' };
}
