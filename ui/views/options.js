// Width, frame rate, quality, loop and "Fit under": what they ask for, and the size estimate they lead to.

import { invoke } from '../lib/backend.js';
import { t, formatNumber } from '../lib/i18n.js';
import { els } from '../lib/dom.js';
import { roundMs } from '../lib/time.js';
import { formatSizeRange, formatLimit } from '../lib/size.js';
import { state } from '../state.js';
import { updateForm } from './form.js';
import { currentEdits, gifFrames } from './edits.js';

const LARGE_GIF_BYTES = 50 * 1024 * 1024;

export function selectedWidth() {
  if (els.width.value === 'custom') return Number(els.customWidth.value);
  return Number(els.width.value);
}

export function selectedFps() {
  return Number(els.fps.value);
}

export function widthNote() {
  const cropWidth = currentEdits().crop?.width;
  const sourceWidth = cropWidth || state.video?.width;
  const wanted = selectedWidth();
  // A width the form refuses gets its message, not a note about what it would make.
  if (customWidthProblem()) return '';
  if (sourceWidth && wanted > sourceWidth) {
    return cropWidth
      ? t('The crop is {width} px wide, so the GIF stays at {width} px (no upscaling).', { width: sourceWidth })
      : t('The source is {width} px wide, so the GIF stays at {width} px (no upscaling).', { width: sourceWidth });
  }
  if (boxSide()) return t('Slack emoji fit in {side}×{side} px: a tall video is made narrower to fit.', { side: boxSide() });
  // "Original" stops at the widest GIF gifgrab makes.
  if (sourceWidth && wanted === 0) return t('The GIF keeps the source width of {width} px. Big GIFs get large fast.', { width: Math.min(sourceWidth, 1920) });
  return t('Widths larger than the source are not upscaled.');
}

export function customWidthProblem() {
  if (els.width.value !== 'custom') return '';
  const w = Number(els.customWidth.value);
  return Number.isInteger(w) && w >= 16 && w <= 1920 ? '' : t('Custom width must be a whole number from 16 to 1920 px.');
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

export function customFitProblem() {
  if (els.fit.value !== 'custom') return '';
  const mb = Number(els.customFit.value);
  return Number.isFinite(mb) && mb >= 0.01 && mb <= 4000 ? '' : t('The size limit must be from 0.01 to 4000 MB.');
}

/** The GIF the form describes, as the Rust side's GifSpec. */
export function currentSpec() {
  return {
    start: roundMs(state.start),
    end: roundMs(state.end),
    width: selectedWidth(),
    fps: selectedFps(),
    quality: Number(els.quality.value),
    plays: Number(els.loop.value),
    ...currentEdits(),
    maxBytes: selectedLimit(),
    maxHeight: boxSide(),
  };
}

/** Slack's emoji fit in 128×128: that preset caps the height too (a portrait video shrinks to fit). */
function boxSide() {
  const side = Number(els.fit.selectedOptions[0]?.dataset.width);
  return side > 0 ? side : null;
}

function fitNote(sized, limit) {
  return t('As set it would be {size}, over {limit}: gifgrab will lower quality, then the frame rate, then the width to fit.', { size: formatSizeRange(sized.low, sized.high), limit: formatLimit(limit) });
}

function largeGifNote(sized) {
  return t('A large GIF ({size}): many sites refuse over 10–15 MB. A shorter range, a smaller width or fewer frames per second make it smaller.', { size: formatSizeRange(sized.low, sized.high) });
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
      state.estimate = { key, low: answer.low, high: answer.high, cannotFit: answer.cannotFit?.message || '' };
      updateForm();
    } catch (e) {
      // A newer estimate cancelled this one, or the range can't be sampled: the frame count stands.
      if (seq === state.estimateSeq) state.estimateKey = '';
    }
  }, 350);
}

/** The frame count, the size range once known, and a warning when the GIF is huge or over its limit. */
export function showEstimate(spec, length) {
  if (!state.video) {
    // Nothing loaded: no frames to count yet.
    els.estimate.textContent = '';
    els.sizeWarning.hidden = true;
    return;
  }
  const count = gifFrames(length, selectedFps());
  const frames = count === 1 ? t('About 1 frame') : t('About {frames} frames', { frames: formatNumber(count) });
  // The estimate is of the settings as chosen (a size limit applies when the GIF is made, but
  // whether it can be met at all is said now).
  const key = spec ? JSON.stringify([state.video.id, spec]) : '';
  const sized = state.estimate && state.estimate.key === key ? state.estimate : null;
  els.estimate.textContent = sized ? `${frames} · ${formatSizeRange(sized.low, sized.high)}` : frames;
  const limit = spec ? spec.maxBytes : null;
  const overLimit = sized && limit && sized.high > limit;
  els.sizeWarning.hidden = !(sized && (overLimit || sized.low > LARGE_GIF_BYTES));
  if (sized) els.sizeWarning.textContent = sized.cannotFit || (overLimit ? fitNote(sized, limit) : largeGifNote(sized));
  // The warning over the limit says what the hint says: one of them is enough.
  els.fitNote.hidden = els.fit.value === '' || Boolean(overLimit);
  if (spec) scheduleEstimate(key, spec);
}

/** The option read-outs that follow the controls: custom fields, the quality figure, the width note. */
export function showOptions() {
  els.customFitWrap.hidden = els.fit.value !== 'custom';
  els.qualityValue.textContent = els.quality.value;
  els.customWidthWrap.hidden = els.width.value !== 'custom';
  els.widthNote.textContent = widthNote();
}

/** The width chosen before a preset with its own box (Slack's 128 px) took over: given back
 * when another limit is chosen, unless the width was changed meanwhile. */
let widthBeforeBox = null;

function setWidth(value, custom) {
  els.width.value = value;
  els.customWidth.value = custom;
  // Remembered like a change by hand.
  for (const el of [els.width, els.customWidth]) el.dispatchEvent(new Event('change'));
}

export function wireOptions() {
  els.width.addEventListener('change', (e) => {
    if (e.isTrusted) widthBeforeBox = null;
    updateForm();
    if (e.isTrusted && els.width.value === 'custom') els.customWidth.focus();
  });
  els.customWidth.addEventListener('input', () => { widthBeforeBox = null; });
  els.fit.addEventListener('change', () => {
    // Slack's emoji fit in 128×128: the width starts there (the height is capped when made).
    const width = els.fit.selectedOptions[0]?.dataset.width;
    if (width) {
      widthBeforeBox ??= { value: els.width.value, custom: els.customWidth.value, box: width };
      setWidth('custom', width);
    } else if (widthBeforeBox && els.width.value === 'custom' && els.customWidth.value === widthBeforeBox.box) {
      setWidth(widthBeforeBox.value, widthBeforeBox.custom);
      widthBeforeBox = null;
    } else {
      widthBeforeBox = null; // the width was set otherwise meanwhile ("Make again"): it stays
    }
    updateForm();
    if (els.fit.value === 'custom') els.customFit.focus();
  });
  for (const el of [els.customWidth, els.customFit, els.fps, els.quality, els.loop]) {
    el.addEventListener('input', updateForm);
    el.addEventListener('change', updateForm);
  }
}
