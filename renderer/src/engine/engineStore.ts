import { createStore, type StoreApi } from 'zustand/vanilla';
import { EngineClient, type Transport } from '../../../engine/protocol/client.js';
import type { DatasetInfo, EngineInfo, NodeKindInfo } from '../../../engine/protocol/messages.js';
import type { KindLookup } from '../doc/graphEdits.js';
import { describeFailure } from './errors.js';
import type { ConnectionState } from './transport.js';

export interface EngineState {
  connection: ConnectionState;
  connectionDetail: string | null;
  kinds: NodeKindInfo[];
  kindsByType: ReadonlyMap<string, NodeKindInfo>;
  datasets: DatasetInfo[];
  info: EngineInfo | null;
  /** A sentence to show when something the app needs could not be loaded, or the engine restarted. */
  notice: string | null;
}

export interface Engine {
  store: StoreApi<EngineState>;
  client: EngineClient;
  lookup: KindLookup;
  /** Loads kinds, datasets and engine info (on start and after every reconnect). */
  refresh(): Promise<void>;
  setConnection(state: ConnectionState, detail?: string): void;
}

/** The engine as the app sees it: the client plus what it told us about itself. */
export function createEngine(transport: Transport): Engine {
  const client = new EngineClient(transport);
  const store = createStore<EngineState>()(() => ({
    connection: 'connecting',
    connectionDetail: null,
    kinds: [],
    kindsByType: new Map(),
    datasets: [],
    info: null,
    notice: null,
  }));

  client.onPush((push) => {
    if (push.type === 'engine') {
      store.setState({ notice: push.state === 'crashed' ? `The engine crashed: ${push.message}` : `The engine restarted: ${push.message}` });
      if (push.state === 'restarted') void engine.refresh();
    }
  });

  const engine: Engine = {
    store,
    client,
    lookup: (type) => store.getState().kindsByType.get(type),
    async refresh() {
      const notices: string[] = [];
      const [kinds, datasets, info] = await Promise.all([
        client.request('kinds.list', {}).catch((e) => void notices.push(describeFailure(e, 'The list of node kinds'))),
        client.request('datasets.list', {}).catch((e) => void notices.push(describeFailure(e, 'The list of datasets'))),
        client.request('engine.info', {}).catch((e) => void notices.push(describeFailure(e, 'Engine information'))),
      ]);
      store.setState((s) => ({
        kinds: kinds ?? s.kinds,
        kindsByType: kinds ? new Map(kinds.map((k) => [k.type, k])) : s.kindsByType,
        datasets: datasets ?? s.datasets,
        info: info ?? s.info,
        notice: notices.length ? notices.join(' ') : null,
      }));
    },
    setConnection(state, detail) {
      store.setState({ connection: state, connectionDetail: detail ?? null });
      if (state === 'closed') client.failPending(detail ?? 'the connection to the engine closed');
      if (state === 'open') void engine.refresh();
    },
  };
  return engine;
}
