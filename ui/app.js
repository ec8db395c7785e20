'use strict';

// ---------- Pure helpers ----------

/**
 * Parse "83", "83.25", "1:23.4" or "1:02:03.5" (a trailing "s", a decimal comma) into seconds;
 * null if it isn't a time. The CLI's rules (core/src/spec.rs): both run tests/time-cases.json.
 */
function parseTime(text) {
  let t = String(text).trim().replace(/[sS]$/, '').trimEnd();
  if (!t.includes('.') && (t.match(/,/g) || []).length === 1) t = t.replace(',', '.');
  if (t === '' || t.length > 32) return null;
  const parts = t.split(':');
  if (parts.length > 3) return null;
  let total = 0;
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    if (!(last ? /^(\d+\.?\d*|\.\d+)$/ : /^\d+$/).test(part)) return null;
    const value = Number(part);
    // Minutes and seconds after a colon stay below 60, as on a clock.
    if (i > 0 && value >= 60) return null;
    total = total * 60 + value;
  }
  return Number.isFinite(total) ? total : null;
}

/** Format seconds as m:ss.s (h:mm:ss.s past an hour). */
function formatTime(seconds) {
  const tenths = Math.round(Math.max(0, Number(seconds) || 0) * 10);
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Format a length in seconds as "3.2 s". */
function formatLength(seconds) {
  return `${(Math.round(seconds * 10) / 10).toFixed(1)} s`;
}

/** Format a byte count as KB or MB. */
function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Round away float noise from repeated ±0.1 steps. */
function roundMs(seconds) {
  return Math.round(seconds * 1000) / 1000;
}

function clamp(value, min, max) {
  return Math.min(max, Math.max(min, value));
}

/** Human message from a backend rejection: {kind, message}, a string, or anything else. */
function errorMessage(err) {
  if (typeof err === 'string' && err.trim()) return err;
  if (err && typeof err.message === 'string' && err.message.trim()) return err.message;
  return 'Something went wrong. Please try again.';
}

// ---------- Backend access (read lazily so the page still renders without Tauri) ----------

function tauriApi() {
  return window.__TAURI__;
}

function invoke(command, args) {
  const core = tauriApi()?.core;
  if (!core?.invoke) {
    return Promise.reject({ kind: 'unavailable', message: "gifgrab's engine isn't running, so this can't be done right now." });
  }
  return core.invoke(command, args);
}

function makeChannel(onMessage) {
  const Channel = tauriApi()?.core?.Channel;
  if (!Channel) return undefined;
  const channel = new Channel();
  channel.onmessage = onMessage;
  return channel;
}

function newJobId() {
  if (window.crypto?.randomUUID) return window.crypto.randomUUID();
  return `job-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Blob URL for binary command output (ArrayBuffer, typed array, or a plain number array). */
function blobUrl(data, type) {
  const bytes = Array.isArray(data) ? new Uint8Array(data) : data;
  return URL.createObjectURL(new Blob([bytes], { type }));
}

// ---------- State and elements ----------

const MAX_LENGTH = 60;
const MIN_LENGTH = 0.1;
const EPS = 1e-6;

const state = {
  video: null,          // probe result of the loaded video
  probedSource: '',     // source text last sent to probe (avoids repeat look-ups)
  probeFailed: false,
  probeSeq: 0,
  probeTimer: 0,
  start: 0,
  end: 3,
  unparsed: { start: false, end: false },   // field text isn't a time
  revealed: { start: false, end: false },   // user finished editing, so parse errors may show
  frameSeq: { start: 0, end: 0 },
  frameTimers: { start: 0, end: 0 },
  frameUrls: { start: null, end: null },
  view: 'form',
  job: null,            // the running make_gif job: { jobId }
  result: null,         // make_gif result shown in the result view
  resultUrl: null,
  saving: false,
  estimateKey: '',      // the spec last sent to estimate_size (avoids repeats)
  lastLength: 3,        // the clip length a start moved past the end keeps
  estimateSeq: 0,
  estimateTimer: 0,
  estimate: null,       // { key, low, high } of the last answer
};

const $ = (id) => document.getElementById(id);
const els = {};

function grabElements() {
  for (const id of [
    'gif-form', 'form-fields', 'source', 'link-error', 'probing', 'media-card', 'media-thumb',
    'media-title', 'media-duration', 'media-size', 'media-wait', 'length', 'start', 'end', 'start-frame',
    'end-frame', 'range-error', 'frame-error', 'estimate', 'size-warning', 'width', 'custom-width-wrap',
    'custom-width', 'fit', 'custom-fit-wrap', 'custom-fit', 'fit-note', 'fps', 'quality', 'quality-value', 'loop', 'width-note', 'options-error',
    'result-view', 'result-img', 'result-info', 'progress-wrap', 'progress', 'status', 'error',
    'make-gif', 'cancel', 'change-range', 'save', 'drop-overlay', 'open-file',
  ]) {
    els[id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = $(id);
  }
}

// ---------- Small UI helpers ----------

function showMessage(el, text) {
  el.textContent = text || '';
  el.hidden = !text;
}

function showLinkError(text) {
  showMessage(els.linkError, text);
  els.source.setAttribute('aria-invalid', String(Boolean(text)));
}

function setStatus(text, tone) {
  els.status.textContent = text || '';
  els.status.classList.toggle('ok', tone === 'ok');
}

/** Switch between 'form', 'running' and 'result'. */
function setView(view) {
  state.view = view;
  const running = view === 'running';
  els.gifForm.hidden = view === 'result';
  els.formFields.disabled = running;
  els.resultView.hidden = view !== 'result';
  els.progressWrap.hidden = !running;
  els.makeGif.hidden = view !== 'form';
  els.cancel.hidden = !running;
  els.changeRange.hidden = view !== 'result';
  els.save.hidden = view !== 'result';
}

// ---------- Probing ----------

function scheduleProbe(delay) {
  clearTimeout(state.probeTimer);
  state.probeTimer = setTimeout(() => probe(false), delay);
}

async function probe(force) {
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

function unloadVideo() {
  state.video = null;
  els.mediaCard.hidden = true;
  showMessage(els.frameError, '');
  for (const which of ['start', 'end']) {
    clearTimeout(state.frameTimers[which]);
    state.frameSeq[which]++;
    setFrame(which, null);
  }
  updateForm();
}

function loadVideo(info) {
  state.video = info;
  const duration = knownDuration();
  let start = Number(info.startHint) || 0;
  if (duration !== null) start = clamp(start, 0, Math.max(0, duration - MIN_LENGTH));
  const end = duration !== null ? Math.min(start + 3, duration) : start + 3;
  setTime('start', roundMs(start));
  setTime('end', roundMs(end));
  rememberLength();

  els.mediaTitle.textContent = info.title || els.source.value.trim();
  els.mediaTitle.title = els.mediaTitle.textContent;
  els.mediaDuration.textContent = duration !== null ? formatTime(duration) : 'Length unknown';
  const fps = Number(info.fps) > 0 ? `, ${Math.round(info.fps * 100) / 100} fps` : '';
  els.mediaSize.textContent = info.width && info.height ? `${info.width}×${info.height}${fps}` : fps.slice(2);
  // A pre-roll ad slot: previews and the GIF can only start once it has passed.
  const wait = Number(info.waitSeconds) || 0;
  els.mediaWait.hidden = wait <= 0;
  els.mediaWait.textContent = wait > 0 ? `The site asks every viewer to wait ${wait} s before the video plays; the previews follow then.` : '';
  if (wait > 0) setTimeout(() => { if (state.video === info) els.mediaWait.hidden = true; }, wait * 1000);
  els.mediaCard.hidden = false;

  updateForm();
  scheduleFrame('start', 0);
  scheduleFrame('end', 0);
}

function knownDuration() {
  const d = state.video?.duration;
  return typeof d === 'number' && d > 0 ? d : null;
}

// ---------- Start / end ----------

/** Set a time from code (prefill, nudge) and show it formatted. */
function setTime(which, seconds) {
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
function rememberLength() {
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

// ---------- Frame previews ----------

function scheduleFrame(which, delay) {
  clearTimeout(state.frameTimers[which]);
  state.frameTimers[which] = setTimeout(() => loadFrame(which), delay);
}

async function loadFrame(which) {
  const video = state.video;
  if (!video || state.unparsed[which]) return;
  const duration = knownDuration();
  let at = state[which];
  if (duration !== null) {
    if (at > duration + EPS) return;
    at = Math.min(at, Math.max(0, duration - 0.05)); // the very last instant often has no frame
  }
  const seq = ++state.frameSeq[which];
  const box = els[`${which}Frame`].parentElement;
  box.classList.add('loading');
  try {
    const bytes = await invoke('preview_frame', { id: video.id, at, slot: which });
    if (seq !== state.frameSeq[which] || state.video !== video) return; // stale answer
    setFrame(which, blobUrl(bytes, 'image/jpeg'));
    showMessage(els.frameError, '');
  } catch (err) {
    if (seq !== state.frameSeq[which] || state.video !== video) return;
    showMessage(els.frameError, `Couldn't show the ${which} frame: ${errorMessage(err)}`);
  } finally {
    if (seq === state.frameSeq[which]) box.classList.remove('loading');
  }
}

/** Show a frame URL (or none) and free the previous one; the start frame doubles as thumbnail. */
function setFrame(which, url) {
  const img = els[`${which}Frame`];
  const old = state.frameUrls[which];
  state.frameUrls[which] = url;
  const targets = which === 'start' ? [img, els.mediaThumb] : [img];
  for (const target of targets) {
    if (url) target.src = url;
    else target.removeAttribute('src');
    target.hidden = !url;
  }
  if (!url) img.parentElement.classList.remove('loading');
  if (old) URL.revokeObjectURL(old);
}

// ---------- Options ----------

function selectedWidth() {
  if (els.width.value === 'custom') return Number(els.customWidth.value);
  return Number(els.width.value);
}

function selectedFps() {
  return Number(els.fps.value);
}

function widthNote() {
  const sourceWidth = state.video?.width;
  const wanted = selectedWidth();
  if (sourceWidth && wanted > sourceWidth) {
    return `The source is ${sourceWidth} px wide, so the GIF stays at ${sourceWidth} px (no upscaling).`;
  }
  if (sourceWidth && wanted === 0) return `The GIF keeps the source width of ${sourceWidth} px. Big GIFs get large fast.`;
  return 'Widths larger than the source are not upscaled.';
}

// ---------- Validation and read-outs ----------

/** What's wrong with the form, if anything: { ok, field, message } (message '' = nothing to say yet). */
function validate() {
  if (!state.video) return { ok: false, field: null, message: '' };
  for (const which of ['start', 'end']) {
    if (state.unparsed[which]) {
      const label = which === 'start' ? 'Start' : 'End';
      const message = state.revealed[which] ? `${label} isn't a time I understand. Try 83, 83.25 or 1:23.4.` : '';
      return { ok: false, field: which, message };
    }
  }
  const { start, end } = state;
  const duration = knownDuration();
  const length = end - start;
  if (duration !== null && start >= duration - EPS) {
    return { ok: false, field: 'start', message: `Start must be before the end of the video (${formatTime(duration)}).` };
  }
  if (duration !== null && end > duration + EPS) {
    return { ok: false, field: 'end', message: `End is past the end of the video (${formatTime(duration)}).` };
  }
  if (length <= EPS) return { ok: false, field: 'end', message: 'End must be after start.' };
  if (length < MIN_LENGTH - EPS) return { ok: false, field: 'end', message: 'Make the GIF at least 0.1 s long.' };
  if (length > MAX_LENGTH + EPS) {
    return { ok: false, field: 'end', message: `That's ${formatLength(length)}. A GIF can be at most 60 s long.` };
  }
  return { ok: true, field: null, message: '' };
}

function customWidthProblem() {
  if (els.width.value !== 'custom') return '';
  const w = Number(els.customWidth.value);
  return Number.isInteger(w) && w >= 16 && w <= 1920 ? '' : 'Custom width must be a whole number from 16 to 1920 px.';
}

// ---------- Size estimate ----------

const LARGE_GIF_BYTES = 50 * 1024 * 1024;

/** The GIF the form describes, as the Rust side's GifSpec. */
function currentSpec() {
  return {
    start: roundMs(state.start),
    end: roundMs(state.end),
    width: selectedWidth(),
    fps: selectedFps(),
    quality: Number(els.quality.value),
    loopForever: els.loop.checked,
    maxBytes: selectedLimit(),
  };
}

/** The chosen size limit in bytes (decimal MB), or null. */
function selectedLimit() {
  if (els.fit.value === '') return null;
  if (els.fit.value === 'custom') {
    const mb = Number(els.customFit.value);
    return Number.isFinite(mb) && mb > 0 ? Math.floor(mb * 1e6) : null;
  }
  return Number(els.fit.value);
}

function customFitProblem() {
  if (els.fit.value !== 'custom') return '';
  const mb = Number(els.customFit.value);
  return Number.isFinite(mb) && mb >= 0.01 && mb <= 4000 ? '' : 'The size limit must be from 0.01 to 4000 MB.';
}

/** "≈ 1.6–2.1 MB" (one figure when the range is exact or rounds to one). */
function formatSizeRange(low, high) {
  const [a, b] = [formatBytes(low), formatBytes(high)];
  if (a === b) return `≈ ${a}`;
  const unit = (t) => t.split(' ')[1];
  return unit(a) === unit(b) ? `≈ ${a.split(' ')[0]}–${b}` : `≈ ${a} – ${b}`;
}

function fitNote(sized, limit) {
  return `As set it would be ${formatSizeRange(sized.low, sized.high)}, over ${formatLimit(limit)}: gifgrab will lower quality, then the frame rate, then the width to fit.`;
}

/** Limits are decimal: 10 MB is 10,000,000 bytes. */
function formatLimit(bytes) {
  return bytes >= 1e6 ? `${+(bytes / 1e6).toFixed(2)} MB` : `${Math.round(bytes / 1e3)} KB`;
}

function largeGifNote(sized) {
  return `A large GIF (${formatSizeRange(sized.low, sized.high)}): many sites refuse over 10–15 MB. A shorter range, a smaller width or fewer frames per second make it smaller.`;
}

/** Asks for the size range once the form has been still for a moment; stale answers are dropped. */
function scheduleEstimate(key, spec) {
  if (key === state.estimateKey) return;
  state.estimateKey = key;
  clearTimeout(state.estimateTimer);
  state.estimateTimer = setTimeout(async () => {
    const seq = ++state.estimateSeq;
    try {
      const answer = await invoke('estimate_size', { id: state.video.id, spec });
      if (seq !== state.estimateSeq) return;
      state.estimate = { key, low: answer.low, high: answer.high };
      updateForm();
    } catch (e) {
      // A newer estimate cancelled this one, or the range can't be sampled: the frame count stands.
      if (seq === state.estimateSeq) state.estimateKey = '';
    }
  }, 350);
}

/** Refresh every read-out, message and the Make GIF button from the current state. */
function updateForm() {
  const check = validate();
  const widthProblem = customWidthProblem();
  showMessage(els.rangeError, check.message);
  showMessage(els.optionsError, widthProblem);
  for (const which of ['start', 'end']) {
    const bad = state.unparsed[which] ? state.revealed[which] : check.field === which && check.message !== '';
    els[which].setAttribute('aria-invalid', String(bad));
  }
  els.customWidth.setAttribute('aria-invalid', String(Boolean(widthProblem)));

  const timesOk = !state.unparsed.start && !state.unparsed.end;
  const length = timesOk ? state.end - state.start : 0;
  els.length.textContent = timesOk ? `Length: ${formatLength(Math.max(0, length))}` : 'Length: –';
  const frames = `About ${Math.max(0, Math.round(length * selectedFps()))} frames`;
  const fitProblem = customFitProblem();
  const spec = check.ok && !widthProblem && !fitProblem ? currentSpec() : null;
  // The estimate is of the settings as chosen; a size limit applies when the GIF is made.
  const key = spec ? JSON.stringify([state.video.id, { ...spec, maxBytes: null }]) : '';
  const sized = state.estimate && state.estimate.key === key ? state.estimate : null;
  els.estimate.textContent = sized ? `${frames} · ${formatSizeRange(sized.low, sized.high)}` : frames;
  const limit = spec ? spec.maxBytes : null;
  const overLimit = sized && limit && sized.high > limit;
  els.sizeWarning.hidden = !(sized && (overLimit || sized.low > LARGE_GIF_BYTES));
  if (sized) els.sizeWarning.textContent = overLimit ? fitNote(sized, limit) : largeGifNote(sized);
  els.customFitWrap.hidden = els.fit.value !== 'custom';
  els.fitNote.hidden = els.fit.value === '';
  if (fitProblem) showMessage(els.optionsError, fitProblem);
  if (spec) scheduleEstimate(key, spec);
  els.qualityValue.textContent = els.quality.value;
  els.customWidthWrap.hidden = els.width.value !== 'custom';
  els.widthNote.textContent = widthNote();
  els.makeGif.disabled = !(check.ok && !widthProblem && !fitProblem);
}

/** Show any parse error the user hasn't seen yet (e.g. when they press Enter). */
function revealProblems() {
  state.revealed.start = true;
  state.revealed.end = true;
  updateForm();
}

// ---------- Making the GIF ----------

async function makeGif() {
  if (state.job || state.view !== 'form') return;
  if (!validate().ok || customWidthProblem()) {
    revealProblems();
    return;
  }
  const job = { jobId: newJobId() };
  state.job = job;
  showMessage(els.error, '');
  setProgress(0, 0);
  setStatus('Starting…');
  setView('running');
  els.cancel.focus();

  const request = { id: state.video.id, jobId: job.jobId, ...currentSpec() };
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
  } catch (err) {
    if (state.job !== job) return;
    state.job = null;
    backToForm(els.makeGif);
    if (err && err.kind === 'cancelled') {
      setStatus('Cancelled');
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
function progressText(p) {
  const done = Number(p.done) || 0;
  const total = Number(p.total) || 0;
  switch (p.stage) {
    case 'probing': return 'Looking up the video…';
    case 'waiting': return `${p.site || 'The video site'} asks every viewer to wait ${Math.max(0, total - done)} s before the video plays…`;
    case 'sizing': return 'Choosing settings that fit the size limit…';
    case 'fetching': return 'Fetching video…';
    case 'encoding': return total > 0 ? `Encoding ${done} of ${total} frames…` : 'Encoding…';
    case 'saving': return 'Saving…';
    case 'done': return 'Done';
    default: return '';
  }
}

function showProgress(p) {
  if (!p) return;
  if (p.stage === 'done') setProgress(1, 1);
  else setProgress(Number(p.done) || 0, Number(p.total) || 0);
  setStatus(progressText(p));
}

async function cancelJob() {
  const job = state.job;
  if (!job) return;
  state.job = null; // ignore whatever this job reports from now on
  backToForm(els.makeGif);
  setStatus('Cancelled');
  try {
    await invoke('cancel_gif', { jobId: job.jobId });
  } catch (err) {
    showMessage(els.error, errorMessage(err));
  }
}

function backToForm(focusTarget) {
  setView('form');
  updateForm();
  // Make GIF may be disabled; fall back to a field that can take focus
  (focusTarget && !focusTarget.disabled ? focusTarget : els.start).focus();
}

// ---------- Result ----------

function showResult(result, bytes) {
  if (state.resultUrl) URL.revokeObjectURL(state.resultUrl);
  state.result = result;
  state.resultUrl = blobUrl(bytes, 'image/gif');
  els.resultImg.width = result.width;
  els.resultImg.height = result.height;
  els.resultImg.src = state.resultUrl;
  const frames = `${result.frames} frame${result.frames === 1 ? '' : 's'}`;
  els.resultInfo.textContent =
    `${formatBytes(result.bytes)} · ${result.width}×${result.height} · ${frames} · ${formatLength(result.duration)}` +
    (result.maxBytes ? ` · fits under ${formatLimit(result.maxBytes)}${result.fitted ? `: ${result.fitted}` : ''}` : '');
  setView('result');
  setStatus('Done');
  els.save.focus();
}

async function saveGif() {
  if (state.view !== 'result' || !state.result || state.saving) return;
  state.saving = true;
  showMessage(els.error, '');
  try {
    const dialog = tauriApi()?.dialog;
    if (!dialog?.save) throw { kind: 'unavailable', message: "The Save dialog isn't available right now." };
    const path = await dialog.save({
      title: 'Save GIF',
      defaultPath: state.result.suggestedPath || state.result.suggestedName,
      filters: [{ name: 'GIF image', extensions: ['gif'] }],
    });
    if (!path) return; // the user closed the dialog
    setStatus('Saving…');
    const saved = await invoke('save_gif', { jobId: state.result.jobId, path });
    setStatus(`Saved to ${saved?.path || path}`, 'ok');
  } catch (err) {
    setStatus('');
    showMessage(els.error, errorMessage(err));
  } finally {
    state.saving = false;
  }
}

function changeRange() {
  showMessage(els.error, '');
  setStatus('');
  backToForm(els.start);
}

// ---------- Drag and drop ----------

function showOverlay(on) {
  els.dropOverlay.hidden = !on;
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
    title: 'Open a video',
    filters: [{ name: 'Video', extensions: VIDEO_EXTENSIONS }, { name: 'All files', extensions: ['*'] }],
  });
  if (path) acceptDrop(String(path));
}

function acceptDrop(text) {
  if (!text || state.job) return;
  if (state.view === 'result') changeRange();
  els.source.value = text;
  els.source.focus();
  probe(true);
}

function wireOpenFile() {
  els.openFile.addEventListener('click', () => openVideoFile().catch(() => {}));
}

function setupDragDrop() {
  let depth = 0; // dragenter/leave fire for every child; count to know when we really left
  document.addEventListener('dragenter', (e) => {
    e.preventDefault();
    depth++;
    showOverlay(true);
  });
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
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
    acceptDrop(droppedText(e.dataTransfer));
  });

  // Tauri's native drag-drop gives real file paths (and links as "paths")
  try {
    const webview = tauriApi()?.webview?.getCurrentWebview?.();
    const listening = webview?.onDragDropEvent((event) => {
      const { type, paths } = event.payload || {};
      if (type === 'enter' || type === 'over') showOverlay(true);
      else if (type === 'leave') showOverlay(false);
      else if (type === 'drop') {
        showOverlay(false);
        acceptDrop(Array.isArray(paths) && paths.length ? String(paths[0]) : '');
      }
    });
    listening?.catch?.(() => {});
  } catch {
    // not running inside Tauri: HTML drops still work
  }
}

// ---------- Wiring ----------

function wireSource() {
  els.source.addEventListener('input', () => scheduleProbe(400));
  els.source.addEventListener('change', () => probe(false));
  els.source.addEventListener('paste', () => setTimeout(() => probe(false), 0)); // value updates after the event
  els.source.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.isComposing) return;
    e.preventDefault(); // Enter here means "look it up", not "submit" …
    const source = els.source.value.trim();
    if (source !== state.probedSource || state.probeFailed || !state.video) probe(true);
    else els.gifForm.requestSubmit(); // … unless this video is already loaded
  });
}

function wireTimes() {
  for (const which of ['start', 'end']) {
    const input = els[which];
    input.addEventListener('input', () => onTimeInput(which));
    input.addEventListener('change', () => onTimeCommit(which));
    input.addEventListener('blur', () => onTimeCommit(which));
    input.addEventListener('keydown', (e) => {
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

function wireOptions() {
  els.width.addEventListener('change', () => {
    updateForm();
    if (els.width.value === 'custom') els.customWidth.focus();
  });
  els.fit.addEventListener('change', () => {
    // Slack's emoji are 128 px wide at most.
    const width = els.fit.selectedOptions[0]?.dataset.width;
    if (width) {
      els.width.value = 'custom';
      els.customWidth.value = width;
    }
    updateForm();
    if (els.fit.value === 'custom') els.customFit.focus();
  });
  for (const el of [els.customWidth, els.customFit, els.fps, els.quality, els.loop]) {
    el.addEventListener('input', updateForm);
    el.addEventListener('change', updateForm);
  }
}

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
  els.cancel.addEventListener('click', cancelJob);
  els.save.addEventListener('click', saveGif);
  els.changeRange.addEventListener('click', changeRange);

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      if (state.job) {
        e.preventDefault();
        cancelJob();
      } else if (!els.dropOverlay.hidden) {
        showOverlay(false);
      }
    } else if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault(); // no "save page" in a webview
      saveGif();
    }
  });
}

function init() {
  grabElements();
  wireSource();
  wireTimes();
  wireOptions();
  wireForm();
  setupDragDrop();
  wireOpenFile();
  setView('form');
  updateForm();
  els.source.focus();
}

document.addEventListener('DOMContentLoaded', init);
