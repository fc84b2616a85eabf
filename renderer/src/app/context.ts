import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { DocState } from '../doc/docStore.js';
import type { EngineState } from '../engine/engineStore.js';
import type { TrainerState } from '../training/trainer.js';
import type { ValidationState } from '../validation/validationStore.js';
import type { ViewState } from '../view/viewStore.js';
import type { AppServices } from './services.js';

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp outside <AppContext.Provider>');
  return app;
}

export const useDoc = <T,>(selector: (s: DocState) => T): T => useStore(useApp().doc.store, selector);
export const useView = <T,>(selector: (s: ViewState) => T): T => useStore(useApp().view, selector);
export const useEngineState = <T,>(selector: (s: EngineState) => T): T => useStore(useApp().engine.store, selector);
export const useValidation = <T,>(selector: (s: ValidationState) => T): T => useStore(useApp().validation.store, selector);
export const useTrain = <T,>(selector: (s: TrainerState) => T): T => useStore(useApp().trainer.store, selector);
