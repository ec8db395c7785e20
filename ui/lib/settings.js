// Settings kept across runs (tauri-plugin-store, settings.json in the app's data folder):
// the form's choices as the user left them, the last save folder and the language.

import { els } from './dom.js';
import { tauriApi } from './backend.js';

/** Form controls whose value is remembered, by the key it is stored under. */
const REMEMBERED = {
  width: 'width', customWidth: 'customWidth', fps: 'fps', quality: 'quality', loop: 'plays',
  fit: 'sizeTarget', customFit: 'customSizeTarget', textStyle: 'captionStyle',
};

let store = null;

async function openStore() {
  const api = tauriApi()?.store;
  if (!api?.load) return null;
  try {
    return await api.load('settings.json', { autoSave: false });
  } catch {
    return null; // unreadable settings: start with the defaults, as on a first run
  }
}

/** A select's choice: its value, or its name where two share a value (Discord and GitHub: 10 MB). */
const choice = (o) => o.dataset.name || o.value;

function current(el) {
  return el.tagName === 'SELECT' ? choice(el.selectedOptions[0] || el.options[0]) : el.value;
}

/** A select keeps a stored value only if it still offers it; a number field only a number. */
function apply(el, value) {
  if (value === undefined || value === null) return;
  const text = String(value);
  if (el.tagName === 'SELECT') {
    const option = [...el.options].find((o) => choice(o) === text);
    if (option) option.selected = true;
    return;
  }
  if (el.type === 'number' || el.type === 'range') {
    const n = Number(text);
    if (!Number.isFinite(n) || (el.min !== '' && n < Number(el.min)) || (el.max !== '' && n > Number(el.max))) return;
  }
  el.value = text;
}

/** Puts the remembered choices into the form, then saves every later change. */
export async function restoreSettings() {
  store = await openStore();
  if (!store) return;
  for (const [id, key] of Object.entries(REMEMBERED)) {
    apply(els[id], await store.get(key).catch(() => undefined));
    for (const type of ['change', 'input']) els[id].addEventListener(type, () => remember(key, current(els[id])));
  }
}

/** Values waiting to be written, newest per key, and the one write loop that drains them. */
const pending = new Map();
let writing = null;

/** Stores one setting now (each change is written at once: a crash loses nothing). */
export function remember(key, value) {
  if (!store) return;
  pending.set(key, value);
  writing ??= drain();
}

// One write at a time: the store's commands run concurrently in the backend, so a burst of
// changes (a slider held by its arrow key) could otherwise land out of order, an older value last.
async function drain() {
  while (pending.size) {
    const batch = [...pending];
    pending.clear();
    try {
      for (const [key, value] of batch) await store.set(key, value);
      await store.save();
    } catch {
      // an unwritable settings file: the choices still hold for this run; newer ones still try
    }
  }
  writing = null;
}

export async function recall(key) {
  if (!store) return undefined;
  return store.get(key).catch(() => undefined);
}
