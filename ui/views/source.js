// The video link or file: look-up, the media card, "Open file…", and drops of links and files.

import { t } from '../lib/i18n.js';
import { invoke, errorMessage, tauriApi } from '../lib/backend.js';
import { els, showMessage, setStatus } from '../lib/dom.js';
import { clamp, formatTime, roundMs } from '../lib/time.js';
import { MIN_LENGTH, state, knownDuration } from '../state.js';
import { setTime, rememberLength, scheduleFrame, clearFrames } from './range.js';
import { selectedWidth, selectedFps, customWidthProblem } from './options.js';
import { updateForm } from './form.js';
import { changeRange } from './result.js';
import { fitCropToVideo, listSubtitles } from './edits.js';
import { loadTimeline, unloadTimeline } from './timeline.js';
import { stopLoop } from './loop.js';

export function scheduleProbe(delay) {
  clearTimeout(state.probeTimer);
  state.probeTimer = setTimeout(() => probe(false), delay);
}

export async function probe(force) {
  clearTimeout(state.probeTimer);
  const source = els.source.value.trim();
  if (!source) {
    state.probedSource = '';
    state.probeSeq++;
    els.probing.hidden = true;
    showLinkError('');
    unloadVideo();
    return;
  }
  if (!force && source === state.probedSource) return;

  state.probedSource = source;
  state.probeFailed = false;
  const seq = ++state.probeSeq;
  unloadVideo();
  if (state.view === 'form') setStatus(''); // the last video's "Cancelled" or "Saved" is not this one's
  showLinkError('');
  els.probing.hidden = false;
  try {
    const width = customWidthProblem() ? undefined : selectedWidth();
    const info = await invoke('probe', { source, width, fps: selectedFps() });
    if (seq !== state.probeSeq) return; // a newer look-up replaced this one
    els.probing.hidden = true;
    loadVideo(info);
  } catch (err) {
    if (seq !== state.probeSeq) return;
    els.probing.hidden = true;
    state.probeFailed = true;
    showLinkError(errorMessage(err));
  }
}

function showLinkError(text) {
  showMessage(els.linkError, text);
  els.source.setAttribute('aria-invalid', String(Boolean(text)));
}

function unloadVideo() {
  state.video = null;
  els.mediaCard.hidden = true;
  clearFrames();
  unloadTimeline();
  stopLoop();
  updateForm();
}

function loadVideo(info) {
  state.video = info;
  fitCropToVideo();
  listSubtitles(info.subtitles);
  const duration = knownDuration();
  // "Make again" from the history brings its range; a link's t= brings a start, a clip link both.
  const again = state.pendingRange?.source === state.probedSource ? state.pendingRange : null;
  state.pendingRange = null;
  let start = again ? again.start : Number(info.startHint) || 0;
  if (duration !== null) start = clamp(start, 0, Math.max(0, duration - MIN_LENGTH));
  // A clip link names its end too (a GIF is at most 60 s).
  const hinted = Number(info.endHint);
  let end = again ? again.end : hinted > start ? Math.min(hinted, start + 60) : start + 3;
  if (duration !== null) end = Math.min(end, duration);
  setTime('start', roundMs(start));
  setTime('end', roundMs(end));
  rememberLength();

  els.mediaTitle.textContent = info.title || els.source.value.trim();
  els.mediaTitle.title = els.mediaTitle.textContent;
  els.mediaDuration.textContent = duration !== null ? formatTime(duration) : t('Length unknown');
  const fps = Number(info.fps) > 0 ? `, ${Math.round(info.fps * 100) / 100} fps` : '';
  els.mediaSize.textContent = info.width && info.height ? `${info.width}×${info.height}${fps}` : fps.slice(2);
  // A pre-roll ad slot: previews and the GIF can only start once it has passed.
  const wait = Number(info.waitSeconds) || 0;
  els.mediaWait.hidden = wait <= 0;
  els.mediaWait.textContent = wait > 0 ? t('The site asks every viewer to wait {wait} s before the video plays; the previews follow then.', { wait }) : '';
  if (wait > 0) setTimeout(() => { if (state.video === info) els.mediaWait.hidden = true; }, wait * 1000);
  els.mediaCard.hidden = false;

  stopLoop();
  loadTimeline();
  updateForm();
  scheduleFrame('start', 0);
  scheduleFrame('end', 0);
}

function showOverlay(on) {
  els.dropOverlay.hidden = !on;
}

export function hideOverlay() {
  if (els.dropOverlay.hidden) return false;
  showOverlay(false);
  return true;
}

/** A link or path from an HTML drop: first non-comment line of text/uri-list, else text/plain. */
function droppedText(dataTransfer) {
  if (!dataTransfer) return '';
  const uriList = dataTransfer.getData('text/uri-list') || '';
  const uri = uriList.split(/\r?\n/).map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
  if (uri) return uri;
  return (dataTransfer.getData('text/plain') || '').trim().split(/\r?\n/)[0].trim();
}

const VIDEO_EXTENSIONS = ['mp4', 'm4v', 'mov', 'webm', 'mkv', 'avi', 'ts', 'mts', 'm2ts', 'flv', 'ogv', 'mpg', 'mpeg', '3gp', 'wmv'];

/** "Open file…": the system's own open dialog, filtered to video files. */
async function openVideoFile() {
  if (state.job) return;
  const dialog = tauriApi()?.dialog;
  if (!dialog?.open) return;
  const path = await dialog.open({
    multiple: false,
    directory: false,
    title: t('Open a video'),
    filters: [{ name: t('Video'), extensions: VIDEO_EXTENSIONS }, { name: t('All files'), extensions: ['*'] }],
  });
  if (path) acceptSource(String(path));
}

/** Our own GIF dropped back on the window (as a path, or a file: URI), not a video to load. */
function isDraggedOut(text) {
  if (!state.draggedPath) return false;
  let path = text;
  try {
    if (text.startsWith('file:')) path = decodeURIComponent(new URL(text).pathname);
  } catch {
    return false;
  }
  return path === state.draggedPath;
}

/** A link or file handed over by a drop or the open dialog replaces what the field held. */
export function acceptSource(text) {
  if (!text || state.job || state.draggingOut || isDraggedOut(text)) return;
  if (state.view === 'result') changeRange();
  els.source.value = text;
  els.source.focus();
  probe(true);
}

function wireDrops() {
  let depth = 0; // dragenter/leave fire for every child; count to know when we really left
  document.addEventListener('dragenter', (e) => {
    e.preventDefault();
    if (state.draggingOut) return;
    depth++;
    showOverlay(true);
  });
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (state.draggingOut) return;
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    showOverlay(true);
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) showOverlay(false);
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    showOverlay(false);
    acceptSource(droppedText(e.dataTransfer));
  });

  // Tauri's native drag-drop gives real file paths (and links as "paths")
  try {
    const webview = tauriApi()?.webview?.getCurrentWebview?.();
    const listening = webview?.onDragDropEvent((event) => {
      const { type, paths } = event.payload || {};
      if (state.draggingOut) return;
      if (type === 'enter' || type === 'over') showOverlay(true);
      else if (type === 'leave') showOverlay(false);
      else if (type === 'drop') {
        showOverlay(false);
        acceptSource(Array.isArray(paths) && paths.length ? String(paths[0]) : '');
      }
    });
    listening?.catch?.(() => {});
  } catch {
    // not running inside Tauri: HTML drops still work
  }
}

/** Files and links the desktop handed over ("Open with", a second launch): the newest loads. */
export async function takeOpened() {
  if (state.job) return; // taken when the job ends
  const sources = await invoke('take_opened').catch(() => []);
  if (Array.isArray(sources) && sources.length) acceptSource(String(sources[sources.length - 1]));
}

function wireOpened() {
  tauriApi()?.event?.listen?.('opened', () => takeOpened())?.catch?.(() => {});
  takeOpened();
}

export function wireSource() {
  els.source.addEventListener('input', () => scheduleProbe(400));
  els.source.addEventListener('change', () => probe(false));
  els.source.addEventListener('paste', () => setTimeout(() => probe(false), 0)); // value updates after the event
  els.source.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.isComposing) return;
    e.preventDefault(); // Enter here means "look it up", never "make the GIF" …
    const source = els.source.value.trim();
    if (source !== state.probedSource || state.probeFailed || !state.video) probe(true);
    else els.start.focus(); // … and once it is loaded, on to picking the moment
  });
  els.openFile.addEventListener('click', () => openVideoFile().catch(() => {}));
  wireDrops();
  wireOpened();
}
