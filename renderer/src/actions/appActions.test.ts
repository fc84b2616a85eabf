import { describe, expect, it } from 'vitest';
import { createApp } from '../app/createApp.js';
import { spiralGraph, testKinds } from '../doc/testGraphs.js';
import { fakeTransport } from '../engine/fakeEngine.js';
import { select } from '../view/viewStore.js';
import { actionLabel, findShortcutAction, formatShortcut, isEnabled, matchesShortcut, type KeyLike } from './action.js';
import { actionById, appActions } from './appActions.js';

function testApp() {
  const fake = fakeTransport({ 'kinds.list': () => testKinds.map((k) => ({ ...k, group: 'Layers', summary: '', doc: '', params: {} })) });
  const app = createApp({ transport: fake.transport });
  app.doc.load(spiralGraph(), { path: null, name: 'Untitled' });
  return app;
}

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('shortcuts', () => {
  it('matches Mod as Ctrl off macOS and Cmd on macOS', () => {
    expect(matchesShortcut(key('z', { ctrlKey: true }), 'Mod+Z', false)).toBe(true);
    expect(matchesShortcut(key('z', { metaKey: true }), 'Mod+Z', true)).toBe(true);
    expect(matchesShortcut(key('z', { metaKey: true }), 'Mod+Z', false)).toBe(false);
    expect(matchesShortcut(key('Z', { ctrlKey: true, shiftKey: true }), 'Mod+Z', false)).toBe(false);
    expect(matchesShortcut(key('Z', { ctrlKey: true, shiftKey: true }), 'Mod+Shift+Z', false)).toBe(true);
    expect(matchesShortcut(key(' '), 'Space', false)).toBe(true);
    expect(matchesShortcut(key('+', { shiftKey: true }), '+', false)).toBe(true);
  });

  it('shows shortcuts the way each platform writes them', () => {
    expect(formatShortcut('Mod+Shift+Z', false)).toBe('Ctrl+Shift+Z');
    expect(formatShortcut('Mod+Shift+Z', true)).toBe('⌘⇧Z');
  });

  it('gives every action a unique id and no shortcut to two actions', () => {
    const ids = appActions.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = appActions.flatMap((a) => a.shortcuts ?? []);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('app actions', () => {
  it('undo is enabled only with something to undo, and says what it undoes', () => {
    const app = testApp();
    const undo = actionById('edit.undo');
    expect(isEnabled(undo, app)).toBe(false);
    select(app.view, ['a1']);
    actionById('edit.delete').perform(app);
    expect(app.doc.get().graph.nodes.map((n) => n.id)).not.toContain('a1');
    expect(actionLabel(undo, app)).toBe('Undo Delete node');
    undo.perform(app);
    expect(app.doc.get().graph.nodes.map((n) => n.id)).toContain('a1');
    expect(app.doc.get().graph.edges).toHaveLength(5);
  });

  it('keyboard Delete removes the selection but not while typing in a field', () => {
    const app = testApp();
    select(app.view, ['h1']);
    const inField = findShortcutAction(appActions, key('Delete'), app, { isMac: false, inTextField: true });
    expect(inField).toBeNull();
    const onCanvas = findShortcutAction(appActions, key('Delete'), app, { isMac: false, inTextField: false });
    expect(onCanvas?.id).toBe('edit.delete');
    const save = findShortcutAction(appActions, key('s', { ctrlKey: true }), app, { isMac: false, inTextField: true });
    expect(save?.id).toBe('file.save');
  });

  it('copy then paste twice adds two shifted copies with fresh ids, each undone on its own', () => {
    const app = testApp();
    select(app.view, ['h1', 'a1']);
    actionById('edit.copy').perform(app);
    actionById('edit.paste').perform(app);
    expect([...app.view.getState().selectedNodes]).toEqual(['linear1', 'relu1']);
    actionById('edit.paste').perform(app);
    const graph = app.doc.get().graph;
    expect(graph.nodes.map((n) => n.id).slice(5)).toEqual(['linear1', 'relu1', 'linear2', 'relu2']);
    expect(graph.nodes.find((n) => n.id === 'linear2')?.position).toEqual({ x: 280, y: 80 });
    expect(graph.edges.at(-1)).toEqual({ source: 'linear2', target: 'relu2' });
    app.doc.undo();
    expect(app.doc.get().graph.nodes).toHaveLength(7);
  });

  it('duplicate copies the selection without touching the clipboard', () => {
    const app = testApp();
    select(app.view, ['out']);
    actionById('edit.duplicate').perform(app);
    expect(app.clipboard.current).toBeNull();
    expect(app.doc.get().graph.nodes.at(-1)).toMatchObject({ id: 'linear1', params: { units: 2 } });
  });

  it('cannot train while not connected to an engine', () => {
    const app = testApp();
    expect(isEnabled(actionById('train.start'), app)).toBe(false);
    app.engine.store.setState({ connection: 'open' });
    expect(isEnabled(actionById('train.start'), app)).toBe(true);
  });
});
