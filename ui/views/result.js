// The finished GIF: what it is, its WebP and MP4 sizes, Save as… (the file type the name ends
// with), and back to the form.

import { t, formatNumber } from '../lib/i18n.js';
import { invoke, blobUrl, errorMessage, tauriApi } from '../lib/backend.js';
import { els, showMessage, setStatus } from '../lib/dom.js';
import { formatLength } from '../lib/time.js';
import { formatBytes, formatLimit } from '../lib/size.js';
import { state } from '../state.js';
import { remember, recall } from '../lib/settings.js';
import { setView, backToForm } from './form.js';
import { recordSaved } from './history.js';
import { takeOpened } from './source.js';

export function showResult(result, bytes) {
  if (state.resultUrl) URL.revokeObjectURL(state.resultUrl);
  state.savedPath = null;
  state.result = result;
  state.resultUrl = blobUrl(bytes, 'image/gif');
  els.resultImg.width = result.width;
  els.resultImg.height = result.height;
  // A small GIF (an emoji) at 1× is a speck: shown in whole pixels, scaled up to about 256 px.
  const zoom = Math.max(1, Math.floor(256 / Math.max(result.width, result.height, 1)));
  els.resultImg.style.width = zoom > 1 ? `${result.width * zoom}px` : '';
  els.resultImg.classList.toggle('pixelated', zoom > 1);
  els.resultImg.src = state.resultUrl;
  state.formatBytes = {};
  state.formatOver = {};
  els.saveFormat.value = 'gif';
  for (const option of els.saveFormat.options) option.disabled = false;
  redrawResult();
  document.querySelector('.content')?.scrollTo(0, 0); // a queued GIF shown from further down
  setView('result');
  setStatus(t('Done'));
  els.save.focus();
  measureFormats(result.jobId);
}

const FORMATS = [
  { format: 'gif', name: 'GIF image', short: 'GIF' },
  { format: 'webp', name: 'WebP image', short: 'WebP' },
  { format: 'mp4', name: 'MP4 video', short: 'MP4' },
];

/** The result's facts in the window's language, with the WebP and MP4 sizes once known. */
export function redrawResult() {
  const result = state.result;
  if (!result) return;
  const frames = result.frames === 1 ? t('1 frame') : t('{n} frames', { n: formatNumber(result.frames) });
  const others = FORMATS.map((f) => {
    if (state.formatBytes?.[f.format] != null) return ` · ${f.short} ${formatBytes(state.formatBytes[f.format])}`;
    if (state.formatOver?.[f.format]) return ` · ${t('{format} over {limit}', { format: f.short, limit: formatLimit(result.maxBytes) })}`;
    return '';
  }).join('');
  els.resultInfo.textContent =
    `${formatBytes(result.bytes)} · ${result.width}×${result.height} · ${frames} · ${formatLength(result.duration)}` +
    (result.maxBytes ? ` · ${t('fits under {limit}', { limit: formatLimit(result.maxBytes) })}${result.fitted ? `: ${result.fitted}` : ''}` : '') +
    others;
}

/** The WebP and MP4 made in the background, one after the other (2 cores: one ffmpeg at a time). */
async function measureFormats(jobId) {
  for (const { format } of FORMATS.slice(1)) {
    try {
      const made = await invoke('convert_gif', { jobId, format });
      if (state.result?.jobId !== jobId) return; // another GIF replaced this one
      state.formatBytes[format] = made.bytes;
      redrawResult();
    } catch (err) {
      if (state.result?.jobId !== jobId) return;
      // Over the limit even at its lowest setting: said here, and left out of the Save dialog.
      if (err?.code === 'converted_over') {
        state.formatOver[format] = true;
        const option = els.saveFormat.querySelector(`option[value="${format}"]`);
        if (option) option.disabled = true;
        redrawResult();
      }
      // Otherwise saving in that format tries again and says what went wrong.
    }
  }
}

/** The Save dialog's file types, each with its size once known: "WebP image (1.3 MB)"; the
 * type chosen beside Save as… first (GTK's dialog does not change the name's extension when
 * another type is picked in it: the name decides, so the name starts with the chosen one). */
function saveFilters() {
  const sizes = { ...state.formatBytes, gif: state.result.bytes };
  const chosen = els.saveFormat.value;
  const ordered = [...FORMATS].sort((a, b) => (b.format === chosen) - (a.format === chosen));
  return ordered.filter((f) => !state.formatOver?.[f.format]).map((f) => ({
    name: sizes[f.format] != null ? `${t(f.name)} (${formatBytes(sizes[f.format])})` : t(f.name),
    extensions: [f.format],
  }));
}

export async function saveGif() {
  if (state.view !== 'result' || !state.result || state.saving) return;
  state.saving = true;
  showMessage(els.error, '');
  try {
    const dialog = tauriApi()?.dialog;
    if (!dialog?.save) throw { kind: 'unavailable', message: t("The Save dialog isn't available right now.") };
    const path = await dialog.save({
      title: t('Save GIF'),
      defaultPath: await defaultSavePath(),
      // The name's extension decides what is saved: .gif, .webp or .mp4.
      filters: saveFilters(),
    });
    if (!path) return; // the user closed the dialog
    setStatus(t('Saving…'));
    const saved = await invoke('save_gif', { jobId: state.result.jobId, path });
    state.savedPath = saved?.path || path;
    recordSaved(state.savedPath);
    tauriApi()?.path?.dirname?.(state.savedPath).then((folder) => remember('saveFolder', folder)).catch(() => {});
    setStatus(t('Saved to {path}', { path: state.savedPath }), 'ok');
    els.showInFolder.hidden = !tauriApi()?.opener?.revealItemInDir;
  } catch (err) {
    setStatus('');
    showMessage(els.error, errorMessage(err));
  } finally {
    state.saving = false;
  }
}

/** The suggested name in the folder the last GIF was saved to (else Pictures, as the Rust side picks). */
async function defaultSavePath() {
  const folder = await recall('saveFolder');
  const join = tauriApi()?.path?.join;
  if (typeof folder === 'string' && folder && join) {
    const path = await join(folder, state.result.suggestedName).catch(() => '');
    if (path) return withFormat(path);
  }
  return withFormat(state.result.suggestedPath || state.result.suggestedName);
}

/** The suggested name with the chosen type's extension ("bikes 0-3.gif" → "bikes 0-3.mp4"). */
function withFormat(path) {
  const ext = els.saveFormat.value || 'gif';
  return /\.gif$/i.test(path) ? path.replace(/\.gif$/i, `.${ext}`) : path;
}

/** The GIF on the clipboard: the animation itself and a file, as chat apps take a paste. */
export async function copyGif() {
  if (state.view !== 'result' || !state.result) return;
  showMessage(els.error, '');
  try {
    await invoke('copy_gif', { jobId: state.result.jobId });
    setStatus(t('Copied: paste it into a chat or a document'), 'ok');
  } catch (err) {
    setStatus('');
    showMessage(els.error, errorMessage(err));
  }
}

/** Dragging the GIF out gives the file (WebKit's own drag would carry a blob: link nobody can use). */
export function dragGif(e) {
  e.preventDefault();
  if (state.view !== 'result' || !state.result) return;
  state.draggingOut = true;
  invoke('drag_gif', { jobId: state.result.jobId }).then((path) => { state.draggedPath = path; }).catch((err) => {
    state.draggingOut = false;
    showMessage(els.error, errorMessage(err));
  });
}

export function wireDragOut() {
  tauriApi()?.event?.listen?.('drag-out-ended', () => {
    // Tauri's drop event for the same drag can come just after: let it pass first.
    setTimeout(() => { state.draggingOut = false; }, 300);
  })?.catch?.(() => {});
}

/** The saved GIF in the system's file manager. */
export async function showInFolder() {
  if (!state.savedPath) return;
  try {
    await tauriApi().opener.revealItemInDir(state.savedPath);
  } catch {
    // The system's own words ("Failed to connect to address unix:path=…") help no one.
    // Saved as a WebP or MP4 perhaps: "the file", whatever its type.
    showMessage(els.error, t("Couldn't open a file manager here. The file is at {path}", { path: state.savedPath }));
  }
}

export function changeRange() {
  showMessage(els.error, '');
  setStatus('');
  backToForm(els.start);
  takeOpened(); // a file or link handed over while the GIF was shown
}
