// Making the GIF: the job, its progress in words, and cancel.

import { invoke, makeChannel, newJobId, errorMessage } from '../lib/backend.js';
import { t } from '../lib/i18n.js';
import { els, showMessage, setStatus } from '../lib/dom.js';
import { clamp } from '../lib/time.js';
import { state } from '../state.js';
import { setView, ready, revealProblems, backToForm } from './form.js';
import { currentSpec } from './options.js';
import { showResult } from './result.js';
import { recordMade } from './history.js';
import { takeOpened } from './source.js';

export async function makeGif() {
  if (state.job || state.view !== 'form') return;
  if (!ready()) {
    revealProblems();
    return;
  }
  const job = { jobId: newJobId() };
  state.job = job;
  showMessage(els.error, '');
  setProgress(0, 0);
  setStatus(t('Starting…'));
  setView('running');
  els.cancel.focus();

  const spec = currentSpec();
  const request = { id: state.video.id, jobId: job.jobId, ...spec };
  const onProgress = makeChannel((p) => {
    if (state.job === job) showProgress(p);
  });

  try {
    const result = await invoke('make_gif', { request, onProgress });
    if (state.job !== job) return; // cancelled meanwhile
    const bytes = await invoke('gif_bytes', { jobId: job.jobId });
    if (state.job !== job) return;
    state.job = null;
    showResult(result, bytes);
    recordMade(result, spec);
  } catch (err) {
    if (state.job !== job) return;
    state.job = null;
    backToForm(els.makeGif);
    takeOpened(); // a file or link handed over while the job ran
    if (err && err.kind === 'cancelled') {
      setStatus(t('Cancelled'));
    } else {
      setStatus('');
      showMessage(els.error, errorMessage(err));
    }
  }
}

function setProgress(done, total) {
  if (total > 0) els.progress.value = clamp(done / total, 0, 1);
  else els.progress.removeAttribute('value'); // unknown amount of work: indeterminate bar
}

/** The window's words for a progress report (the Rust side sends facts only). */
export function progressText(p) {
  const done = Number(p.done) || 0;
  const total = Number(p.total) || 0;
  switch (p.stage) {
    case 'probing': return t('Looking up the video…');
    case 'waiting': return t('{site} asks every viewer to wait {seconds} s before the video plays…', { site: p.site || t('The video site'), seconds: Math.max(0, total - done) });
    case 'sizing': return t('Choosing settings that fit the size limit…');
    case 'fetching': return t('Reading the video…');
    case 'encoding': return total > 0 ? t('Encoding {done} of {total} frames…', { done, total }) : t('Encoding…');
    case 'saving': return t('Saving…');
    case 'done': return t('Done');
    default: return '';
  }
}

function showProgress(p) {
  if (!p) return;
  if (p.stage === 'done') setProgress(1, 1);
  else setProgress(Number(p.done) || 0, Number(p.total) || 0);
  setStatus(progressText(p));
}

/** Stops the running job; false when there was none. */
export function cancelJob() {
  const job = state.job;
  if (!job) return false;
  state.job = null; // ignore whatever this job reports from now on
  backToForm(els.makeGif);
  setStatus(t('Cancelled'));
  invoke('cancel_gif', { jobId: job.jobId }).catch((err) => showMessage(els.error, errorMessage(err)));
  return true;
}
