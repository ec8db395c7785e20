// The window's entry point: wires each view and the keys that work everywhere.

import { els, grabElements, setStatus } from './lib/dom.js';
import { invoke } from './lib/backend.js';
import { state } from './state.js';
import { wireSource, hideOverlay } from './views/source.js';
import { wireRange } from './views/range.js';
import { wireTimeline } from './views/timeline.js';
import { wireLoop, stopLoop } from './views/loop.js';
import { wireQueue, redrawQueue } from './views/queue.js';
import { wireOptions } from './views/options.js';
import { setView, updateForm } from './views/form.js';
import { makeGif, cancelJob } from './views/job.js';
import { saveGif, changeRange, copyGif, showInFolder, dragGif, redrawResult, wireDragOut } from './views/result.js';
import { wireSettings, showLanguage } from './views/settings.js';
import { wireEdits } from './views/edits.js';
import { wireHistory } from './views/history.js';
import { showOptions } from './views/options.js';
import { restoreSettings, recall } from './lib/settings.js';
import { setLanguage, pickLanguage, onLanguage } from './lib/i18n.js';

function wireForm() {
  els.gifForm.addEventListener('submit', (e) => {
    e.preventDefault();
    makeGif();
  });
  // Enter on controls that don't submit by themselves (selects, slider, checkbox)
  els.gifForm.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.isComposing || e.defaultPrevented) return;
    const t = e.target;
    if (t.tagName === 'SELECT' || (t.tagName === 'INPUT' && (t.type === 'range' || t.type === 'checkbox'))) {
      e.preventDefault();
      makeGif();
    }
  });
  // Any change to the form makes the last job's "Cancelled", "Saved to …" or "Added to the
  // queue" old news.
  els.gifForm.addEventListener('input', () => {
    if (state.view === 'form' && !state.job) setStatus('');
    els.queueAdded.textContent = '';
  });
  els.cancel.addEventListener('click', cancelJob);
  els.save.addEventListener('click', saveGif);
  els.changeRange.addEventListener('click', changeRange);
  els.copyGif.addEventListener('click', copyGif);
  els.showInFolder.addEventListener('click', showInFolder);
  els.resultImg.addEventListener('dragstart', dragGif);
  wireDragOut();
}

function wireKeys() {
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      if (cancelJob() || hideOverlay() || stopLoop()) e.preventDefault();
    } else if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && state.view === 'form') {
      e.preventDefault(); // from any field: make the GIF
      makeGif();
    } else if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault(); // no "save page" in a webview
      saveGif();
    } else if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'c' && state.view === 'result' && !String(window.getSelection())) {
      e.preventDefault(); // Ctrl+C on the result copies the GIF, unless text is selected
      copyGif();
    }
  });
}

function init() {
  grabElements();
  wireSource();
  wireRange();
  wireTimeline();
  wireLoop();
  wireQueue();
  wireOptions();
  wireEdits();
  wireForm();
  wireKeys();
  wireSettings();
  wireHistory();
  setView('form');
  onLanguage(() => {
    showOptions();
    updateForm();
    showLanguage();
    redrawResult();
    redrawQueue();
  });
  els.source.focus();
  const system = invoke('system_languages').catch(() => []);
  restoreSettings().catch(() => {}).then(async () => {
    setLanguage(pickLanguage(await recall('language'), await system));
    showOptions();
    updateForm();
    document.body.dataset.ready = 'true'; // wired, remembered settings and language in place
  });
}

// A module runs after the document is parsed, so the elements exist already.
init();
