// The finished GIF: what it is, Save as…, and back to the form.

import { t, formatNumber } from '../lib/i18n.js';
import { invoke, blobUrl, errorMessage, tauriApi } from '../lib/backend.js';
import { els, showMessage, setStatus } from '../lib/dom.js';
import { formatLength } from '../lib/time.js';
import { formatBytes, formatLimit } from '../lib/size.js';
import { state } from '../state.js';
import { remember, recall } from '../lib/settings.js';
import { setView, backToForm } from './form.js';
import { recordSaved } from './history.js';

export function showResult(result, bytes) {
  if (state.resultUrl) URL.revokeObjectURL(state.resultUrl);
  state.savedPath = null;
  state.result = result;
  state.resultUrl = blobUrl(bytes, 'image/gif');
  els.resultImg.width = result.width;
  els.resultImg.height = result.height;
  els.resultImg.src = state.resultUrl;
  redrawResult();
  setView('result');
  setStatus(t('Done'));
  els.save.focus();
}

/** The result's facts in the window's language. */
export function redrawResult() {
  const result = state.result;
  if (!result) return;
  const frames = result.frames === 1 ? t('1 frame') : t('{n} frames', { n: formatNumber(result.frames) });
  els.resultInfo.textContent =
    `${formatBytes(result.bytes)} · ${result.width}×${result.height} · ${frames} · ${formatLength(result.duration)}` +
    (result.maxBytes ? ` · ${t('fits under {limit}', { limit: formatLimit(result.maxBytes) })}${result.fitted ? `: ${result.fitted}` : ''}` : '');
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
      filters: [{ name: t('GIF image'), extensions: ['gif'] }],
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
    if (path) return path;
  }
  return state.result.suggestedPath || state.result.suggestedName;
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
  invoke('drag_gif', { jobId: state.result.jobId }).catch((err) => showMessage(els.error, errorMessage(err)));
}

/** The saved GIF in the system's file manager. */
export async function showInFolder() {
  if (!state.savedPath) return;
  try {
    await tauriApi().opener.revealItemInDir(state.savedPath);
  } catch (err) {
    showMessage(els.error, errorMessage(err));
  }
}

export function changeRange() {
  showMessage(els.error, '');
  setStatus('');
  backToForm(els.start);
}
