// The form as a whole: which view shows, what is wrong with it, and one redraw from the state.

import { els, showMessage } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { formatTime, formatLength } from '../lib/time.js';
import { EPS, MAX_LENGTH, MIN_LENGTH, state, knownDuration } from '../state.js';
import { customWidthProblem, customFitProblem, currentSpec, showEstimate, showOptions } from './options.js';
import { editsProblem, showEdits } from './edits.js';
import { drawTimeline } from './timeline.js';
import { drawLoopButton } from './loop.js';
import { drawQueueButton } from './queue.js';

/** Switch between 'form', 'running' and 'result'. */
export function setView(view) {
  state.view = view;
  const running = view === 'running';
  els.gifForm.hidden = view === 'result';
  els.formFields.disabled = running;
  els.resultView.hidden = view !== 'result';
  els.progressWrap.hidden = !running;
  els.makeGif.hidden = view !== 'form';
  els.addQueue.hidden = view !== 'form';
  els.cancel.hidden = !running;
  els.changeRange.hidden = view !== 'result';
  els.save.hidden = view !== 'result';
  els.saveFormat.hidden = view !== 'result';
  els.copyGif.hidden = view !== 'result';
  // Shown once this GIF has been saved somewhere.
  if (view !== 'result') els.showInFolder.hidden = true;
}

/** What's wrong with the form, if anything: { ok, field, message } (message '' = nothing to say yet). */
export function validate() {
  if (!state.video) return { ok: false, field: null, message: '' };
  for (const which of ['start', 'end']) {
    if (state.unparsed[which]) {
      const label = which === 'start' ? t('Start') : t('End');
      const message = state.revealed[which] ? t("{label} isn't a time I understand. Try 83, 83.25 or 1:23.4.", { label }) : '';
      return { ok: false, field: which, message };
    }
  }
  const { start, end } = state;
  const duration = knownDuration();
  const length = end - start;
  if (duration !== null && start >= duration - EPS) {
    return { ok: false, field: 'start', message: t('Start must be before the end of the video ({time}).', { time: formatTime(duration) }) };
  }
  if (duration !== null && end > duration + EPS) {
    return { ok: false, field: 'end', message: t('End is past the end of the video ({time}).', { time: formatTime(duration) }) };
  }
  if (length <= EPS) return { ok: false, field: 'end', message: t('End must be after start.') };
  if (length < MIN_LENGTH - EPS) return { ok: false, field: 'end', message: t('Make the GIF at least 0.1 s long.') };
  if (length > MAX_LENGTH + EPS) {
    return { ok: false, field: 'end', message: t("That's {length}. A GIF can be at most 60 s long.", { length: formatLength(length) }) };
  }
  return { ok: true, field: null, message: '' };
}

/** Whether Make GIF may run now. */
export function ready() {
  return validate().ok && !customWidthProblem() && !customFitProblem() && !editsProblem();
}

/** Refresh every read-out, message and the Make GIF button from the current state. */
export function updateForm() {
  const check = validate();
  const widthProblem = customWidthProblem();
  const fitProblem = customFitProblem();
  showMessage(els.rangeError, check.message);
  showMessage(els.optionsError, fitProblem || widthProblem);
  for (const which of ['start', 'end']) {
    const bad = state.unparsed[which] ? state.revealed[which] : check.field === which && check.message !== '';
    els[which].setAttribute('aria-invalid', String(bad));
  }
  els.customWidth.setAttribute('aria-invalid', String(Boolean(widthProblem)));

  const timesOk = !state.unparsed.start && !state.unparsed.end;
  const length = timesOk ? state.end - state.start : 0;
  // A range the message above refuses has no length worth showing.
  const shown = Boolean(state.video) && timesOk && check.field !== 'start' && check.field !== 'end' && length > 0;
  els.length.textContent = shown ? t('Length: {length}', { length: formatLength(length) }) : t('Length: –');
  const ok = check.ok && !widthProblem && !fitProblem && !editsProblem();
  showEstimate(ok ? currentSpec() : null, length);
  showOptions();
  showEdits(Math.max(0, length));
  drawTimeline();
  drawLoopButton();
  drawQueueButton();
  els.makeGif.disabled = !ok;
  // Why not, on hover: in a short window the message itself may be out of view.
  els.makeGif.title = ok ? '' : check.message || fitProblem || widthProblem || editsProblem() || '';
}

/** Show any parse error the user hasn't seen yet (e.g. when they press Enter). */
export function revealProblems() {
  state.revealed.start = true;
  state.revealed.end = true;
  updateForm();
}

export function backToForm(focusTarget) {
  setView('form');
  updateForm();
  // Make GIF may be disabled; fall back to a field that can take focus
  (focusTarget && !focusTarget.disabled ? focusTarget : els.start).focus();
}
