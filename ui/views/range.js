// Start and end: the time fields, the nudge buttons and arrow keys, and a frame preview for each.

import { t } from '../lib/i18n.js';
import { invoke, errorMessage, blobUrl } from '../lib/backend.js';
import { els, showMessage } from '../lib/dom.js';
import { parseTime, formatTime, roundMs, clamp } from '../lib/time.js';
import { EPS, MIN_LENGTH, state, knownDuration } from '../state.js';
import { updateForm } from './form.js';
import { previewEdits } from './edits.js';

/** Set a time from code (prefill, nudge) and show it formatted. */
export function setTime(which, seconds) {
  state[which] = seconds;
  state.unparsed[which] = false;
  els[which].value = formatTime(seconds);
}

function onTimeInput(which) {
  const value = parseTime(els[which].value);
  state.unparsed[which] = value === null;
  state.revealed[which] = false; // don't scold while the user is still typing
  if (value !== null) state[which] = value;
  updateForm();
  if (value !== null) scheduleFrame(which, 300);
}

function onTimeCommit(which) {
  state.revealed[which] = true;
  if (!state.unparsed[which]) els[which].value = formatTime(state[which]);
  if (which === 'start') keepLength();
  rememberLength();
  updateForm();
}

/** The length of the range as last settled (typing in between does not count). */
export function rememberLength() {
  if (!state.unparsed.start && !state.unparsed.end && state.end - state.start > EPS) state.lastLength = state.end - state.start;
}

/** A start moved to or past the end takes the end along: the clip keeps its length. */
function keepLength() {
  if (state.unparsed.start || state.unparsed.end || state.start < state.end - EPS) return;
  const max = knownDuration() ?? Infinity;
  setTime('end', roundMs(Math.min(state.start + (state.lastLength || 3), max)));
  scheduleFrame('end', 300);
}

function nudge(which, delta) {
  if (state.view !== 'form') return;
  const max = knownDuration() ?? Infinity;
  setTime(which, roundMs(clamp(state[which] + delta, 0, max)));
  if (which === 'start') keepLength();
  rememberLength();
  updateForm();
  scheduleFrame(which, 300);
}

/** A time set on the timeline: 'start' or 'end' (kept at least 0.1 s from the other), or
 * 'both' with the moment's new start and end (moved whole). */
export function moveTo(which, a, b) {
  if (state.view !== 'form') return;
  const max = knownDuration() ?? Infinity;
  if (which === 'both') {
    setTime('start', roundMs(clamp(a, 0, max)));
    setTime('end', roundMs(clamp(b, 0, max)));
  } else if (which === 'start') {
    setTime('start', roundMs(clamp(a, 0, state.end - MIN_LENGTH)));
  } else {
    setTime('end', roundMs(clamp(a, state.start + MIN_LENGTH, max)));
  }
  rememberLength();
  updateForm();
  for (const w of which === 'both' ? ['start', 'end'] : [which]) scheduleFrame(w, 120);
}

export function scheduleFrame(which, delay) {
  clearTimeout(state.frameTimers[which]);
  state.frameTimers[which] = setTimeout(() => loadFrame(which), delay);
}

async function loadFrame(which) {
  const video = state.video;
  if (!video || state.unparsed[which]) return;
  const duration = knownDuration();
  let at = state[which];
  if (duration !== null) {
    if (at > duration + EPS) {
      // The range's own message says why; this frame's older error would only repeat it.
      ++state.frameSeq[which];
      els[`${which}Frame`].parentElement.classList.remove('loading');
      setFrame(which, null); // not the old time's picture
      if (els.frameError.dataset.slot === which) showMessage(els.frameError, '');
      return;
    }
    at = Math.min(at, Math.max(0, duration - 0.05)); // the very last instant often has no frame
  }
  const seq = ++state.frameSeq[which];
  const box = els[`${which}Frame`].parentElement;
  box.classList.add('loading');
  try {
    const edits = previewEdits();
    const bytes = await invoke('preview_frame', { id: video.id, at, slot: which, edits });
    if (seq !== state.frameSeq[which] || state.video !== video) return; // stale answer
    setFrame(which, blobUrl(bytes, 'image/jpeg'), !edits);
    showMessage(els.frameError, '');
    if (which === 'start' && edits && !state.thumbUrl) loadPlainThumb(video, at);
  } catch (err) {
    if (seq !== state.frameSeq[which] || state.video !== video) return;
    showMessage(els.frameError, t(which === 'start' ? 'Start frame: {error}' : 'End frame: {error}', { error: errorMessage(err) }));
    els.frameError.dataset.slot = which;
  } finally {
    if (seq === state.frameSeq[which]) box.classList.remove('loading');
  }
}

/** A video loaded with captions already typed still gets a plain thumbnail. */
async function loadPlainThumb(video, at) {
  try {
    const bytes = await invoke('preview_frame', { id: video.id, at, slot: 'thumb', edits: null });
    if (state.video !== video || state.thumbUrl) return;
    state.thumbUrl = blobUrl(bytes, 'image/jpeg');
    show(els.mediaThumb, state.thumbUrl);
  } catch {
    // the start frame itself shows; the card can do without its picture
  }
}

/** Show a frame URL (or none) and free the previous one; the start frame doubles as the
 * video's thumbnail while it shows the video as it is (no captions drawn on it). */
function setFrame(which, url, plain = true) {
  const img = els[`${which}Frame`];
  const old = state.frameUrls[which];
  state.frameUrls[which] = url;
  show(img, url);
  if (which === 'start' && (plain || !url)) {
    const oldThumb = state.thumbUrl;
    state.thumbUrl = url;
    show(els.mediaThumb, url);
    release(oldThumb);
  }
  if (!url) img.parentElement.classList.remove('loading');
  release(old);
}

function show(img, url) {
  if (url) img.src = url;
  else img.removeAttribute('src');
  img.hidden = !url;
}

/** Frees a frame's URL once no image shows it. */
function release(url) {
  if (url && url !== state.thumbUrl && !Object.values(state.frameUrls).includes(url)) URL.revokeObjectURL(url);
}

/** Drops both previews and any answer still on its way. */
export function clearFrames() {
  showMessage(els.frameError, '');
  for (const which of ['start', 'end']) {
    clearTimeout(state.frameTimers[which]);
    state.frameSeq[which]++;
    setFrame(which, null);
  }
}

export function wireRange() {
  for (const which of ['start', 'end']) {
    const input = els[which];
    input.addEventListener('input', () => onTimeInput(which));
    input.addEventListener('change', () => onTimeCommit(which));
    input.addEventListener('blur', () => onTimeCommit(which));
    input.addEventListener('keydown', (e) => {
      // Enter settles the time, as leaving the field does; it never starts a GIF by surprise.
      if (e.key === 'Enter' && !e.isComposing && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        onTimeCommit(which);
        return;
      }
      if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
      e.preventDefault();
      const step = e.shiftKey ? 1 : 0.1;
      nudge(which, e.key === 'ArrowUp' ? step : -step);
    });
  }
  for (const button of document.querySelectorAll('.nudge')) {
    button.addEventListener('click', () => nudge(button.dataset.target, Number(button.dataset.step)));
  }
}
