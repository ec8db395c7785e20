// The timeline: thumbnails across the video (or zoomed around the moment), the moment's two
// handles to drag (or the moment itself), a hover picture with its time, and keys on the handles.

import { t } from '../lib/i18n.js';
import { invoke, makeChannel, errorMessage, blobUrl } from '../lib/backend.js';
import { els } from '../lib/dom.js';
import { formatTime, roundMs, clamp } from '../lib/time.js';
import { formatBytes } from '../lib/size.js';
import { MIN_LENGTH, state, knownDuration } from '../state.js';
import { moveTo } from './range.js';

const tl = {
  video: null,
  tiles: [],        // { at, url, columns, rows, column, row }, sorted by time
  urls: [],         // the sheets' blob: URLs, freed with the video
  zoomed: false,
  view: { from: 0, to: 1 },
  drag: null,       // { which: 'start' | 'end' | 'both', grab, start, end }
  summary: null,    // the whole strip's answer: where the thumbnails came from, what they cost
  loading: false,
  hover: { timer: 0, seq: 0, url: null },
  error: '',
  seq: 0,
};

/** The strip shows this many cells; thumbnails are asked for at three times as many places. */
function cellCount() {
  const width = els.timelineTrack.clientWidth || 800;
  const aspect = state.video?.width && state.video?.height ? state.video.width / state.video.height : 16 / 9;
  return clamp(Math.round(width / (58 * aspect)), 4, 24);
}

/** A new video: an empty strip, and its thumbnails asked for. */
export function loadTimeline() {
  const video = state.video;
  const duration = knownDuration();
  tl.video = video;
  forgetSheets();
  tl.zoomed = false;
  tl.summary = null;
  tl.error = '';
  els.timeline.hidden = !video || duration === null;
  if (els.timeline.hidden) return;
  tl.view = { from: 0, to: duration };
  buildCells();
  drawTimeline();
  fetchThumbs(tl.view, false);
}

function forgetSheets() {
  for (const url of tl.urls) URL.revokeObjectURL(url);
  tl.urls = [];
  tl.tiles = [];
}

export function unloadTimeline() {
  tl.video = null;
  forgetSheets();
  tl.seq++;
  els.timeline.hidden = true;
}

function buildCells() {
  const n = cellCount();
  els.timelineStrip.replaceChildren(...Array.from({ length: n }, () => {
    const cell = document.createElement('div');
    cell.className = 'timeline-cell';
    return cell;
  }));
}

async function fetchThumbs(view, zoomed) {
  const video = tl.video;
  const seq = ++tl.seq;
  const count = Math.min(120, cellCount() * 3);
  if (!zoomed) tl.loading = true;
  drawNote();
  const onSheet = makeChannel((sheet) => {
    if (tl.video !== video) return;
    const url = blobUrl(Uint8Array.from(atob(sheet.base64), (c) => c.charCodeAt(0)), sheet.mime);
    tl.urls.push(url);
    for (const tile of sheet.tiles) tl.tiles.push({ ...tile, url, columns: sheet.columns, rows: sheet.rows });
    tl.tiles.sort((a, b) => a.at - b.at);
    drawCells();
  });
  try {
    const summary = await invoke('timeline', { id: video.id, window: { from: view.from, to: view.to, count }, zoomed, onSheet });
    if (tl.video !== video) return;
    if (!zoomed) {
      tl.summary = summary;
      tl.loading = false;
    }
  } catch (err) {
    if (tl.video === video && !zoomed) tl.loading = false;
    if (tl.video !== video || err?.kind === 'cancelled' || seq !== tl.seq) return;
    tl.error = errorMessage(err);
  }
  drawNote();
}

/** The tile nearest `at`, or null. */
function tileNear(at) {
  const tiles = tl.tiles;
  if (!tiles.length) return null;
  let lo = 0;
  let hi = tiles.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tiles[mid].at < at) lo = mid + 1;
    else hi = mid;
  }
  const before = tiles[Math.max(0, lo - 1)];
  return Math.abs(before.at - at) < Math.abs(tiles[lo].at - at) ? before : tiles[lo];
}

/** Shows one tile of a sheet as an element's background, scaled to the element. */
function paint(el, tile) {
  if (!tile) {
    el.style.backgroundImage = '';
    el.dataset.at = '';
    return;
  }
  el.style.backgroundImage = `url("${tile.url}")`;
  el.style.backgroundSize = `${tile.columns * 100}% ${tile.rows * 100}%`;
  const x = tile.columns > 1 ? (tile.column / (tile.columns - 1)) * 100 : 0;
  const y = tile.rows > 1 ? (tile.row / (tile.rows - 1)) * 100 : 0;
  el.style.backgroundPosition = `${x}% ${y}%`;
  el.dataset.at = String(tile.at);
}

function drawCells() {
  const cells = els.timelineStrip.children;
  const span = tl.view.to - tl.view.from;
  for (let i = 0; i < cells.length; i++) paint(cells[i], tileNear(tl.view.from + ((i + 0.5) / cells.length) * span));
}

function drawNote() {
  const s = tl.summary;
  let note = tl.error;
  if (!note && tl.loading) note = t('Finding thumbnails…');
  else if (!note && s) {
    if (s.from === 'none') note = t('No thumbnails: this server sends only whole files.');
    else if (s.from === 'storyboard') note = t("The site's own storyboard ({bytes})", { bytes: formatBytes(s.fetched) });
    else if (s.fetched > 0) note = t('Thumbnails from keyframes: {bytes} fetched', { bytes: formatBytes(s.fetched) });
  }
  els.timelineNote.textContent = note;
}

function fraction(at) {
  return (at - tl.view.from) / (tl.view.to - tl.view.from);
}

/** Positions, labels and values from the state: called on every change of the form. */
export function drawTimeline() {
  if (els.timeline.hidden || !tl.video) return;
  const duration = knownDuration();
  const ok = !state.unparsed.start && !state.unparsed.end;
  const pct = (at) => `${clamp(fraction(at), 0, 1) * 100}%`;
  els.timelineRange.hidden = !ok;
  els.timelineStart.hidden = !ok || fraction(state.start) < 0 || fraction(state.start) > 1;
  els.timelineEnd.hidden = !ok || fraction(state.end) < 0 || fraction(state.end) > 1;
  if (ok) {
    els.timelineRange.style.left = pct(state.start);
    els.timelineRange.style.width = `calc(${pct(state.end)} - ${pct(state.start)})`;
    els.timelineStart.style.left = pct(state.start);
    els.timelineEnd.style.left = pct(state.end);
  }
  for (const which of ['start', 'end']) {
    const handle = which === 'start' ? els.timelineStart : els.timelineEnd;
    handle.setAttribute('aria-valuemin', '0');
    handle.setAttribute('aria-valuemax', String(duration));
    handle.setAttribute('aria-valuenow', String(state[which]));
    handle.setAttribute('aria-valuetext', formatTime(state[which]));
  }
  els.timelineScale.textContent = `${formatTime(tl.view.from)} – ${formatTime(tl.view.to)}`;
  els.timelineZoom.textContent = tl.zoomed ? t('Whole video') : t('Zoom to the moment');
  drawNote();
  // A moment moved out of the zoomed view brings the view along.
  if (tl.zoomed && ok && !tl.drag && (fraction(state.start) < 0 || fraction(state.end) > 1)) zoomIn();
}

function zoomIn() {
  const duration = knownDuration();
  const length = Math.max(state.end - state.start, MIN_LENGTH);
  // Half the moment's length each side (at least 1 s): the moment fills half the strip, so
  // even on a short clip the view narrows and a handle moves in finer steps.
  const pad = Math.max(length / 2, 1);
  tl.zoomed = true;
  tl.view = { from: Math.max(0, state.start - pad), to: Math.min(duration, state.end + pad) };
  drawCells();
  drawTimeline();
  fetchThumbs(tl.view, true);
}

function toggleZoom() {
  if (tl.zoomed) {
    tl.zoomed = false;
    tl.view = { from: 0, to: knownDuration() };
    drawCells();
    drawTimeline();
  } else {
    zoomIn();
  }
}

/** The time under a pointer's x. */
function timeAt(clientX) {
  const rect = els.timelineTrack.getBoundingClientRect();
  const f = clamp((clientX - rect.left) / rect.width, 0, 1);
  return tl.view.from + f * (tl.view.to - tl.view.from);
}

/** Times on the timeline snap to tenths, as the fields show them. */
function snap(at) {
  return roundMs(Math.round(at * 10) / 10);
}

function onPointerDown(e) {
  if (e.button !== 0 || state.view !== 'form' || !tl.video) return;
  e.preventDefault();
  const at = timeAt(e.clientX);
  let which = e.target.dataset?.which;
  if (!which && e.target === els.timelineRange) which = 'both';
  // A press elsewhere on the strip brings the nearer handle there.
  if (!which) {
    which = Math.abs(at - state.start) <= Math.abs(at - state.end) ? 'start' : 'end';
    moveTo(which, snap(at));
  }
  tl.drag = { which, grab: at, start: state.start, end: state.end };
  els.timelineTrack.setPointerCapture(e.pointerId);
  const handle = which === 'end' ? els.timelineEnd : els.timelineStart;
  handle.classList.add('dragging');
  if (which !== 'both') handle.focus({ preventScroll: true });
}

function onPointerMove(e) {
  showHover(e);
  const drag = tl.drag;
  if (!drag) return;
  // The button came up where the release never reached us (another window took it): the drag is over.
  if ((e.buttons & 1) === 0) {
    onPointerUp(e);
    return;
  }
  const at = timeAt(e.clientX);
  if (drag.which === 'both') {
    const duration = knownDuration();
    const length = drag.end - drag.start;
    const start = clamp(drag.start + (at - drag.grab), 0, duration - length);
    moveTo('both', snap(start), snap(start) + length);
  } else {
    moveTo(drag.which, snap(at));
  }
}

function onPointerUp(e) {
  if (!tl.drag) return;
  tl.drag = null;
  if (els.timelineTrack.hasPointerCapture(e.pointerId)) els.timelineTrack.releasePointerCapture(e.pointerId);
  els.timelineStart.classList.remove('dragging');
  els.timelineEnd.classList.remove('dragging');
  drawTimeline();
}

function showHover(e) {
  const at = timeAt(e.clientX);
  const rect = els.timelineTrack.getBoundingClientRect();
  const hover = els.timelineHover;
  hover.hidden = false;
  hover.style.left = `${clamp(e.clientX, rect.left + 84, rect.right - 84)}px`;
  hover.style.top = `${rect.top - 6}px`;
  const pic = hover.querySelector('.timeline-hover-pic');
  const aspect = state.video?.width && state.video?.height ? state.video.width / state.video.height : 16 / 9;
  pic.style.height = `${Math.round(160 / aspect)}px`;
  paint(pic, tileNear(at));
  pic.dataset.exact = 'false';
  hover.querySelector('.timeline-hover-time').textContent = formatTime(at);
  hover.dataset.at = String(at);
  // The nearest thumbnail at once; the exact frame once the pointer rests.
  clearTimeout(tl.hover.timer);
  const seq = ++tl.hover.seq;
  tl.hover.timer = setTimeout(() => loadHoverFrame(at, seq), 250);
}

async function loadHoverFrame(at, seq) {
  const video = tl.video;
  if (!video || els.timelineHover.hidden) return;
  try {
    const bytes = await invoke('preview_frame', { id: video.id, at, slot: 'hover', edits: null });
    if (seq !== tl.hover.seq || tl.video !== video || els.timelineHover.hidden) return;
    if (tl.hover.url) URL.revokeObjectURL(tl.hover.url);
    tl.hover.url = blobUrl(bytes, 'image/jpeg');
    const pic = els.timelineHover.querySelector('.timeline-hover-pic');
    paint(pic, { url: tl.hover.url, columns: 1, rows: 1, column: 0, row: 0, at });
    pic.dataset.exact = 'true';
  } catch {
    // the nearest thumbnail stays
  }
}

function hideHover() {
  clearTimeout(tl.hover.timer);
  tl.hover.seq++;
  els.timelineHover.hidden = true;
}

function onKey(e) {
  const which = e.currentTarget.dataset.which;
  const steps = { ArrowLeft: -0.1, ArrowDown: -0.1, ArrowRight: 0.1, ArrowUp: 0.1, PageDown: -10, PageUp: 10 };
  let target;
  if (e.key in steps) target = state[which] + steps[e.key] * (e.shiftKey && Math.abs(steps[e.key]) < 1 ? 10 : 1);
  else if (e.key === 'Home') target = 0;
  else if (e.key === 'End') target = knownDuration();
  else return;
  e.preventDefault();
  moveTo(which, roundMs(target));
}

export function wireTimeline() {
  els.timelineTrack.addEventListener('pointerdown', onPointerDown);
  els.timelineTrack.addEventListener('pointermove', onPointerMove);
  els.timelineTrack.addEventListener('pointerup', onPointerUp);
  els.timelineTrack.addEventListener('pointercancel', onPointerUp);
  els.timelineTrack.addEventListener('pointerleave', () => { if (!tl.drag) hideHover(); });
  for (const handle of [els.timelineStart, els.timelineEnd]) handle.addEventListener('keydown', onKey);
  els.timelineZoom.addEventListener('click', toggleZoom);
  let resized = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resized);
    resized = setTimeout(() => { if (tl.video) { buildCells(); drawCells(); } }, 150);
  });
}

/** For the window's tests and the bench: what the strip holds. */
export function timelineFacts() {
  return { tiles: tl.tiles.length, zoomed: tl.zoomed, view: { ...tl.view }, summary: tl.summary };
}
