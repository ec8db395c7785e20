// The queue: GIFs added from the form (one video's several moments, or several videos) are
// made one after another, each with its own progress and cancel; a finished one opens in the
// result view. They share the byte cache, so moments of one video fetch their bytes once.

import { invoke, makeChannel, newJobId, errorMessage } from '../lib/backend.js';
import { t } from '../lib/i18n.js';
import { els, setStatus } from '../lib/dom.js';
import { clamp, formatTime } from '../lib/time.js';
import { formatBytes } from '../lib/size.js';
import { state } from '../state.js';
import { ready, revealProblems } from './form.js';
import { currentSpec } from './options.js';
import { progressText } from './job.js';
import { showResult } from './result.js';
import { recordMade } from './history.js';

const queue = { items: [], running: null };

/** Adds the form's GIF to the queue; it starts when those before it are done. */
export function addToQueue() {
  if (!state.video || state.view !== 'form') return;
  if (!ready()) {
    revealProblems();
    return;
  }
  const spec = currentSpec();
  const item = {
    jobId: newJobId(),
    video: state.video,
    spec,
    label: `${state.video.title || t('Video')} · ${formatTime(spec.start)}–${formatTime(spec.end)}`,
    state: 'waiting',
    progress: null,
    result: null,
    error: '',
  };
  queue.items.push(item);
  item.el = buildItem(item);
  els.queueList.append(item.el);
  drawItem(item);
  els.queue.hidden = false;
  els.queueAdded.textContent = t('Added to the queue: {what}', { what: item.label });
  // The list may be below the fold: the status line, always in view, says so too.
  setStatus(els.queueAdded.textContent, 'ok');
  next();
}

function buildItem(item) {
  const li = document.createElement('li');
  li.className = 'queue-item';
  const label = document.createElement('span');
  label.className = 'queue-label';
  label.textContent = item.label;
  label.title = item.label;
  const bar = document.createElement('progress');
  bar.max = 1;
  bar.setAttribute('aria-label', t('Progress of {what}', { what: item.label }));
  const words = document.createElement('span');
  words.className = 'queue-status';
  words.setAttribute('role', 'status');
  const show = button(t('Show'), () => showItem(item));
  const cancel = button(t('Cancel'), () => cancelItem(item));
  const remove = button(t('Remove'), () => removeItem(item));
  li.append(label, bar, words, show, cancel, remove);
  Object.assign(item, { bar, words, show, cancel, remove });
  return li;
}

function button(text, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'small';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

function drawItem(item) {
  item.el.dataset.state = item.state;
  const p = item.progress;
  if (item.state === 'done') item.bar.value = 1;
  else if (item.state === 'running' && p && Number(p.total) > 0) item.bar.value = clamp(Number(p.done) / Number(p.total), 0, 1);
  else if (item.state === 'running') item.bar.removeAttribute('value');
  else item.bar.value = 0;
  item.words.textContent = {
    waiting: t('Waiting…'),
    running: (p && progressText(p)) || t('Starting…'),
    done: item.result ? `${t('Done')} · ${formatBytes(item.result.bytes)}` : t('Done'),
    failed: item.error,
    cancelled: t('Cancelled'),
  }[item.state];
  item.words.classList.toggle('error', item.state === 'failed');
  item.show.hidden = item.state !== 'done';
  item.cancel.hidden = item.state !== 'waiting' && item.state !== 'running';
  item.remove.hidden = !item.cancel.hidden;
}

/** Starts the first waiting item when none runs (2 cores: one GIF at a time is fastest). */
async function next() {
  if (queue.running) return;
  const item = queue.items.find((i) => i.state === 'waiting');
  if (!item) return;
  queue.running = item;
  item.state = 'running';
  drawItem(item);
  const onProgress = makeChannel((p) => {
    if (item.state !== 'running') return;
    item.progress = p;
    drawItem(item);
  });
  try {
    const request = { id: item.video.id, jobId: item.jobId, ...item.spec };
    item.result = await invoke('make_gif', { request, onProgress });
    if (item.state === 'running') {
      item.state = 'done';
      recordMade(item.result, item.spec);
    }
  } catch (err) {
    if (item.state === 'running') {
      item.state = err?.kind === 'cancelled' ? 'cancelled' : 'failed';
      item.error = errorMessage(err);
    }
  }
  if (item.el.isConnected) drawItem(item);
  queue.running = null;
  next();
}

async function showItem(item) {
  if (state.job || !item.result) return;
  try {
    const bytes = await invoke('gif_bytes', { jobId: item.jobId });
    showResult(item.result, bytes);
  } catch (err) {
    item.state = 'failed';
    item.error = errorMessage(err);
    drawItem(item);
  }
}

function cancelItem(item) {
  if (item.state !== 'waiting' && item.state !== 'running') return;
  const wasRunning = item.state === 'running';
  item.state = 'cancelled';
  drawItem(item);
  if (wasRunning) invoke('cancel_gif', { jobId: item.jobId }).catch(() => {});
}

function removeItem(item) {
  queue.items = queue.items.filter((i) => i !== item);
  item.el.remove();
  // The result on show stays; any other made GIF leaves the work folder.
  if (state.result?.jobId !== item.jobId) invoke('discard_gif', { jobId: item.jobId }).catch(() => {});
  els.queue.hidden = queue.items.length === 0;
}

/** Whether any queued GIF is still to be made (closing the window would drop it). */
export function queueBusy() {
  return queue.items.some((i) => i.state === 'waiting' || i.state === 'running');
}

/** The words of every item again, after a change of language. */
export function redrawQueue() {
  for (const item of queue.items) drawItem(item);
}

export function drawQueueButton() {
  els.addQueue.hidden = state.view !== 'form';
  els.addQueue.disabled = !ready();
}

export function wireQueue() {
  els.addQueue.addEventListener('click', addToQueue);
}
