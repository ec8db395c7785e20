// "Play the moment": the chosen range as a small looping GIF with its edits, made from the
// bytes the real GIF will use (the cache keeps them), before the real one is made.

import { t } from '../lib/i18n.js';
import { invoke, errorMessage, blobUrl } from '../lib/backend.js';
import { els, showMessage } from '../lib/dom.js';
import { state } from '../state.js';
import { ready } from './form.js';
import { currentSpec } from './options.js';

const loop = { url: null, seq: 0, key: '', busy: false };

async function play() {
  if (!state.video || !ready()) return;
  const video = state.video;
  const spec = currentSpec();
  const seq = ++loop.seq;
  loop.key = JSON.stringify(spec);
  loop.busy = true;
  showMessage(els.momentLoopError, '');
  drawLoopButton();
  try {
    const bytes = await invoke('preview_loop', { id: video.id, spec });
    if (seq !== loop.seq || state.video !== video) return;
    show(blobUrl(bytes, 'image/gif'));
  } catch (err) {
    if (seq !== loop.seq || err?.kind === 'cancelled') return;
    // Its own line: the strip's note is rewritten as thumbnails come.
    showMessage(els.momentLoopError, t("Couldn't play the moment: {error}", { error: errorMessage(err) }));
  } finally {
    if (seq === loop.seq) {
      loop.busy = false;
      drawLoopButton();
    }
  }
}

function show(url) {
  if (loop.url) URL.revokeObjectURL(loop.url);
  loop.url = url;
  if (url) els.momentLoop.src = url;
  else els.momentLoop.removeAttribute('src');
  els.momentLoopBox.hidden = !url;
  // Below the strip, perhaps below the fold of a small window: brought into view.
  if (url) els.momentLoopBox.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

/** Puts the loop away; whether one was showing or coming (Escape then has done its job). */
export function stopLoop() {
  const showing = !els.momentLoopBox.hidden || loop.busy || !els.momentLoopError.hidden;
  showMessage(els.momentLoopError, '');
  loop.seq++;
  loop.busy = false;
  show(null);
  drawLoopButton();
  return showing;
}

/** The button's words and state; a loop that no longer shows the form's moment is put away. */
export function drawLoopButton() {
  els.playMoment.disabled = loop.busy || !state.video || !ready();
  els.playMoment.textContent = loop.busy ? t('Making the loop…') : t('Play the moment');
  if (loop.url && state.video && JSON.stringify(currentSpec()) !== loop.key) show(null);
}

export function wireLoop() {
  els.playMoment.addEventListener('click', play);
  els.momentLoopClose.addEventListener('click', stopLoop);
}
