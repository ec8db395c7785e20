// History: the recent GIFs (a still, the link, the range, the settings) with Open, Make again
// and Remove. The list lives on the Rust side (core/src/history.rs), in the app's data folder.

import { invoke, blobUrl, errorMessage } from '../lib/backend.js';
import { $, els, showMessage } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { formatTime } from '../lib/time.js';
import { formatBytes } from '../lib/size.js';
import { state } from '../state.js';
import { currentSpec, showOptions } from './options.js';
import { acceptSource } from './source.js';
import { updateForm } from './form.js';

let stills = [];

/** Records the GIF just made; its entry's id is kept for "saved to". */
export async function recordMade(result, spec = currentSpec()) {
  const entry = {
    id: '', madeAt: Math.floor(Date.now() / 1000), source: state.probedSource, title: state.video?.title || state.probedSource,
    spec, width: result.width, height: result.height, frames: result.frames, bytes: result.bytes, savedPath: null,
  };
  state.historyId = null;
  try {
    state.historyId = (await invoke('history_add', { jobId: result.jobId, entry })).id;
  } catch {
    // a history that cannot be written must not spoil the GIF itself
  }
}

export function recordSaved(path) {
  if (state.historyId) invoke('history_saved', { id: state.historyId, path }).catch(() => {});
}

function settingsLine(e) {
  // The size as made (a crop or the source's own width may be smaller than the width asked).
  const size = e.width && e.height ? `${e.width}×${e.height}` : e.spec.width ? `${e.spec.width} px` : t('Original');
  const s = e.spec;
  const edits = [
    s.speed && s.speed !== 1 ? `${s.speed}×` : '',
    s.direction === 'reverse' ? t('Backwards') : s.direction === 'bounce' ? t('Bounce') : '',
    s.textTop || s.textBottom ? t('Captions') : '',
  ].filter(Boolean);
  return [size, `${s.fps} fps`, `${t('Quality')} ${s.quality}`, ...edits, formatBytes(e.bytes).replace(' ', '\u00a0')].join(' · ');
}

async function entryItem(e) {
  const li = document.createElement('li');
  li.className = 'history-item';
  const img = document.createElement('img');
  img.className = 'history-still';
  img.alt = t('GIF from {title}', { title: e.title });
  invoke('history_thumb', { id: e.id }).then((bytes) => {
    const url = blobUrl(bytes, 'image/gif');
    stills.push(url);
    img.src = url;
  }).catch(() => {});
  const text = document.createElement('div');
  text.className = 'history-text';
  const title = document.createElement('p');
  title.className = 'history-title';
  title.translate = false;
  title.textContent = e.title;
  const source = document.createElement('p');
  source.className = 'history-source';
  source.translate = false;
  source.textContent = e.source;
  const facts = document.createElement('p');
  facts.className = 'history-facts';
  facts.textContent = `${formatTime(e.spec.start)}–${formatTime(e.spec.end)} · ${settingsLine(e)}`;
  text.append(title, source, facts);
  // Where it went, or that it never was saved (Open has nothing to open then).
  const saved = document.createElement('p');
  saved.className = 'history-saved';
  saved.translate = false;
  saved.textContent = e.savedPath ? t('Saved to {path}', { path: e.savedPath }) : t('Not saved');
  text.append(saved);
  for (const p of [title, source, facts, saved]) p.title = p.textContent; // in full on hover
  const actions = document.createElement('div');
  actions.className = 'history-actions';
  const button = (label, run, disabled) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = t(label);
    b.disabled = Boolean(disabled);
    b.addEventListener('click', run);
    actions.append(b);
    return b;
  };
  // A missing file is said as such; a system without an app to open it gets plain words.
  const opened = (err) => say(err?.code === 'internal' || !err?.code ? t("Couldn't open it with another app here. It is at {path}", { path: e.savedPath }) : errorMessage(err));
  button('Open', () => invoke('history_open', { id: e.id }).catch(opened), !e.savedPath);
  button('Make again', () => makeAgain(e));
  button('Remove', async () => {
    await invoke('history_remove', { id: e.id }).catch((err) => say(errorMessage(err)));
    showHistory();
  });
  li.append(img, text, actions);
  return li;
}

function say(text) {
  showMessage($('history-error'), text);
}

async function showHistory() {
  for (const url of stills) URL.revokeObjectURL(url);
  stills = [];
  say('');
  // "No GIFs yet" only once the list has come and is empty, never while it is on its way.
  $('history-empty').hidden = true;
  const entries = await invoke('history_list').catch(() => []);
  const list = $('history-list');
  list.replaceChildren(...(await Promise.all(entries.map(entryItem))));
  $('history-empty').hidden = entries.length > 0;
}

/** Puts the entry's link, range and settings back in the form; the user checks and makes it. */
function makeAgain(e) {
  if (state.job) return;
  $('history').close();
  const s = e.spec;
  const width = String(s.width);
  if ([...els.width.options].some((o) => o.value === width)) els.width.value = width;
  else {
    els.width.value = 'custom';
    els.customWidth.value = width;
  }
  for (const [el, v] of [[els.fps, s.fps], [els.quality, s.quality], [els.loop, s.plays], [els.speed, s.speed], [els.direction, s.direction], [els.textStyle, s.textStyle]]) {
    if (v !== undefined && v !== null) el.value = String(v);
  }
  els.textTop.value = s.textTop || '';
  els.textBottom.value = s.textBottom || '';
  state.pendingRange = { source: e.source, start: s.start, end: s.end };
  showOptions();
  updateForm();
  acceptSource(e.source);
}

export function wireHistory() {
  $('open-history').addEventListener('click', () => {
    const dialog = $('history');
    if (dialog.open) return;
    dialog.showModal();
    dialog.scrollTop = 0;
    showHistory();
  });
}
