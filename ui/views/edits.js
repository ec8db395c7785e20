// Crop, speed, direction and captions: their controls, the crop box on the start frame, and
// the edits the spec sends (the Rust side's `Edits`).

import { $, els, showMessage } from '../lib/dom.js';
import { clamp, formatLength } from '../lib/time.js';
import { state } from '../state.js';
import { updateForm } from './form.js';
import { scheduleFrame } from './range.js';
import { t as tr, language } from '../lib/i18n.js';

const crop = { box: null, shape: '', drag: null };

/** The edits as the Rust side's `Edits` (captions and crop placement reach the previews too). */
export function currentEdits() {
  return {
    crop: crop.box ? { width: crop.box.width, height: crop.box.height, x: crop.box.x, y: crop.box.y } : null,
    aspect: null,
    speed: Number(els.speed.value) || 1,
    direction: els.direction.value,
    textTop: els.textTop.value,
    textBottom: els.textBottom.value,
    textStyle: els.textStyle.value,
    subs: chosenSubs(),
  };
}

// ---------- Subtitles ----------

let subsFile = null;

/** A language of the video's own tracks, a chosen file's path, or null. */
function chosenSubs() {
  const v = els.subs.value;
  if (v === 'file') return subsFile;
  return v ? v.slice('track:'.length) : null;
}

/** The video's tracks in the menu: the window's language first, the site's own before automatic ones. */
export function listSubtitles(tracks) {
  const mine = language();
  const rank = (t) => (t.lang.toLowerCase().split(/[-_]/)[0] === mine ? 0 : 2) + (t.auto ? 1 : 0);
  const sorted = [...(tracks || [])].sort((a, b) => rank(a) - rank(b) || trackName(a).localeCompare(trackName(b)));
  const options = sorted.map((t) => new Option(t.auto ? tr('{name} (automatic)', { name: trackName(t) }) : trackName(t), `track:${t.lang}`));
  els.subs.replaceChildren(new Option(tr('Off'), ''), ...options, new Option(subsFile ? tr('File: {name}', { name: baseName(subsFile) }) : tr('From a file…'), 'file'));
  els.subs.value = '';
  showSubsNote();
}

// Names for the common languages where the webview's Intl has no display names (WebKitGTK).
const LANGUAGES = {
  en: 'English', ko: 'Korean', ja: 'Japanese', zh: 'Chinese', es: 'Spanish', fr: 'French', de: 'German',
  pt: 'Portuguese', it: 'Italian', ru: 'Russian', vi: 'Vietnamese', th: 'Thai', id: 'Indonesian',
  ar: 'Arabic', hi: 'Hindi', nl: 'Dutch',
};

/** The site's name for a track, or its language's name ("ko" → Korean, "en-US" → English (US)). */
function trackName(t) {
  if (t.name && t.name !== t.lang) return t.name;
  try {
    const named = new Intl.DisplayNames([language()], { type: 'language' }).of(t.lang);
    if (named && named.toLowerCase() !== t.lang.toLowerCase()) return named;
  } catch {
    // not a code Intl knows: the table below may
  }
  const [base, region] = t.lang.split(/[-_]/);
  const name = LANGUAGES[base.toLowerCase()];
  return name ? (region ? `${tr(name)} (${region})` : tr(name)) : t.lang;
}

function baseName(path) {
  return String(path).split(/[\\/]/).pop();
}

function showSubsNote() {
  const on = Boolean(chosenSubs());
  els.subsNote.hidden = !on;
  els.subsNote.textContent = on ? tr('Subtitles are drawn in the GIF; the frames above show it without them.') : '';
}

async function chooseSubsFile() {
  const dialog = window.__TAURI__?.dialog;
  const path = dialog?.open
    ? await dialog.open({ multiple: false, directory: false, title: tr('Choose subtitles'), filters: [{ name: tr('Subtitles'), extensions: ['srt', 'vtt', 'ass', 'ssa'] }] })
    : null;
  if (path) {
    subsFile = String(path);
    els.subs.querySelector('option[value="file"]').textContent = `File: ${baseName(subsFile)}`;
  } else if (!subsFile) {
    els.subs.value = '';
  }
}

/** What the previews need: the captions and where the crop box puts them; none without captions. */
export function previewEdits() {
  const e = currentEdits();
  return e.textTop.trim() || e.textBottom.trim() ? e : null;
}

/** Frames the GIF will have for a range of `length` seconds at `fps`. */
export function gifFrames(length, fps) {
  const decoded = Math.max(0, Math.round((length / (Number(els.speed.value) || 1)) * fps));
  return els.direction.value === 'bounce' && decoded > 2 ? 2 * decoded - 2 : decoded;
}

/** How long the GIF plays, when that differs from the range ("GIF plays 1.5 s"). */
function playsNote(length) {
  const speed = Number(els.speed.value) || 1;
  const plays = (length / speed) * (els.direction.value === 'bounce' ? 2 : 1);
  return Math.abs(plays - length) > 1e-6 ? tr('GIF plays {length}', { length: formatLength(plays) }) : '';
}

/** A problem with the crop fields as typed, or ''. */
export function editsProblem() {
  if (!crop.box || !state.video?.width) return '';
  const { x, y, width, height } = crop.box;
  const [fw, fh] = [state.video.width, state.video.height];
  if (![x, y, width, height].every(Number.isInteger) || width < 1 || height < 1) return tr('The crop box needs whole numbers: W and H of 1 or more.');
  if (x < 0 || y < 0 || x + width > fw || y + height > fh) return tr('The crop box reaches outside the {size} frame.', { size: `${fw}×${fh}` });
  return '';
}

/** Redraws what follows the controls: the crop fields, the box, the plays note. */
export function showEdits(length) {
  els.playsFor.textContent = playsNote(length);
  for (const b of els.cropShapes.querySelectorAll('button')) b.setAttribute('aria-checked', String(b.dataset.shape === crop.shape));
  els.cropFields.hidden = !crop.box;
  els.cropHint.hidden = !crop.box;
  if (crop.box && !crop.drag) {
    for (const [k, el] of [['width', els.cropW], ['height', els.cropH], ['x', els.cropX], ['y', els.cropY]]) {
      if (document.activeElement !== el) el.value = String(crop.box[k]);
    }
  }
  const problem = editsProblem();
  showMessage(els.editError, problem);
  for (const el of [els.cropW, els.cropH, els.cropX, els.cropY]) el.setAttribute('aria-invalid', String(Boolean(problem)));
  placeBox();
}

function ratioOf(shape) {
  const m = /^(\d+):(\d+)$/.exec(shape);
  return m ? Number(m[1]) / Number(m[2]) : null;
}

/** The largest centred box of `shape` in the frame (free: the frame with a margin). */
function defaultBox(shape) {
  const { width: fw, height: fh } = state.video;
  const r = ratioOf(shape);
  let w = fw;
  let h = fh;
  if (r) {
    if (fw / fh > r) w = Math.round(fh * r);
    else h = Math.round(fw / r);
  } else {
    w = Math.round(fw * 0.8);
    h = Math.round(fh * 0.8);
  }
  return { x: Math.floor((fw - w) / 2), y: Math.floor((fh - h) / 2), width: w, height: h };
}

function setShape(shape) {
  crop.shape = shape;
  crop.box = shape && state.video?.width ? defaultBox(shape) : null;
  edited(true);
}

/** A new video: a chosen shape is fitted to its frame, a free box starts over. */
export function fitCropToVideo() {
  if (crop.shape && state.video?.width) crop.box = defaultBox(crop.shape);
  else crop.box = null;
}

/** After any edit: redraw, and refresh the previews when captions show (their place moves with the box). */
function edited(previewsChange) {
  updateForm();
  if (previewsChange && previewEdits()) {
    scheduleFrame('start', 350);
    scheduleFrame('end', 350);
  }
}

/** An image's drawn rectangle inside its box (object-fit: contain), and source pixels per CSS pixel. */
function contentRect(img = els.startFrame) {
  if (img.hidden || !img.naturalWidth || !state.video?.width) return null;
  const box = img.parentElement.getBoundingClientRect();
  const s = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
  const [w, h] = [img.naturalWidth * s, img.naturalHeight * s];
  return { left: (box.width - w) / 2, top: (box.height - h) / 2, width: w, height: h, per: state.video.width / w, box };
}

/** The box over the start frame (to edit) and its outline over the end frame (to compare). */
function placeBox() {
  for (const [el, img] of [[els.cropBox, els.startFrame], [els.cropShade, els.endFrame]]) {
    const r = crop.box && contentRect(img);
    el.hidden = !r;
    if (!r) continue;
    const b = crop.box;
    Object.assign(el.style, {
      left: `${r.left + b.x / r.per}px`,
      top: `${r.top + b.y / r.per}px`,
      width: `${b.width / r.per}px`,
      height: `${b.height / r.per}px`,
    });
  }
}

/** The box kept inside the frame, whole pixels, its shape's ratio kept when it has one. */
function fitted(b) {
  const { width: fw, height: fh } = state.video;
  const width = clamp(Math.round(b.width), 8, fw);
  const height = clamp(Math.round(b.height), 8, fh);
  return { width, height, x: clamp(Math.round(b.x), 0, fw - width), y: clamp(Math.round(b.y), 0, fh - height) };
}

/** A corner dragged to (px, py) in source pixels, the opposite corner staying put. */
function resized(start, corner, px, py) {
  const ax = corner.includes('w') ? start.x + start.width : start.x;
  const ay = corner.includes('n') ? start.y + start.height : start.y;
  const { width: fw, height: fh } = state.video;
  px = clamp(px, 0, fw);
  py = clamp(py, 0, fh);
  let w = Math.max(8, Math.abs(px - ax));
  let h = Math.max(8, Math.abs(py - ay));
  const r = ratioOf(crop.shape);
  if (r) {
    // The ratio holds; the box grows only as far as the frame lets it on the dragged side.
    const roomW = corner.includes('w') ? ax : fw - ax;
    const roomH = corner.includes('n') ? ay : fh - ay;
    w = Math.min(Math.max(w, h * r), roomW, roomH * r);
    h = w / r;
  }
  return fitted({ x: corner.includes('w') ? ax - w : ax, y: corner.includes('n') ? ay - h : ay, width: w, height: h });
}

function pointerAt(e, r) {
  return { x: (e.clientX - r.box.left - r.left) * r.per, y: (e.clientY - r.box.top - r.top) * r.per };
}

function wireBox() {
  const frameBox = els.startFrame.parentElement;
  frameBox.addEventListener('pointerdown', (e) => {
    const r = crop.box && contentRect();
    if (!r || state.view !== 'form' || e.button !== 0) return;
    const corner = e.target.dataset?.corner;
    const at = pointerAt(e, r);
    if (!corner && e.target !== els.cropBox) {
      // Outside the box: a free box is drawn anew from here; a shaped one moves here.
      if (crop.shape === 'free') crop.box = fitted({ x: at.x, y: at.y, width: 8, height: 8 });
      else crop.box = fitted({ ...crop.box, x: at.x - crop.box.width / 2, y: at.y - crop.box.height / 2 });
    }
    const start = { ...crop.box };
    crop.drag = { corner: corner || (e.target === els.cropBox ? 'move' : crop.shape === 'free' ? 'se' : 'move'), start, from: at, r };
    frameBox.setPointerCapture(e.pointerId);
    els.cropBox.focus({ preventScroll: true });
    e.preventDefault();
    placeBox();
  });
  frameBox.addEventListener('pointermove', (e) => {
    const d = crop.drag;
    if (!d) return;
    const at = pointerAt(e, d.r);
    crop.box = d.corner === 'move'
      ? fitted({ ...d.start, x: d.start.x + at.x - d.from.x, y: d.start.y + at.y - d.from.y })
      : resized(d.start, d.corner, at.x, at.y);
    placeBox();
  });
  const end = () => {
    if (!crop.drag) return;
    crop.drag = null;
    edited(true);
  };
  frameBox.addEventListener('pointerup', end);
  frameBox.addEventListener('pointercancel', end);
  els.cropBox.addEventListener('keydown', (e) => {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (!moves[e.key] || !crop.box) return;
    e.preventDefault();
    const step = Math.max(1, Math.round(state.video.width / 100)) * (e.shiftKey ? 10 : 1);
    const [dx, dy] = moves[e.key];
    crop.box = fitted({ ...crop.box, x: crop.box.x + dx * step, y: crop.box.y + dy * step });
    edited(true);
  });
  els.startFrame.addEventListener('load', placeBox);
  els.endFrame.addEventListener('load', placeBox);
  window.addEventListener('resize', placeBox);
}

function wireFields() {
  for (const [k, el] of [['width', els.cropW], ['height', els.cropH], ['x', els.cropX], ['y', els.cropY]]) {
    el.addEventListener('input', () => {
      if (!crop.box) return;
      crop.box = { ...crop.box, [k]: Number(el.value) };
      // Typed numbers are the user's own box: no shape holds it any more.
      crop.shape = 'free';
      edited(false);
    });
    el.addEventListener('change', () => edited(true));
  }
  for (const b of els.cropShapes.querySelectorAll('button')) b.addEventListener('click', () => setShape(b.dataset.shape));
  // Arrow keys move between the shapes, as in any radio group.
  els.cropShapes.addEventListener('keydown', (e) => {
    const buttons = [...els.cropShapes.querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement);
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
    if (i < 0 || !step) return;
    e.preventDefault();
    const next = buttons[(i + step + buttons.length) % buttons.length];
    next.focus();
    setShape(next.dataset.shape);
  });
  for (const el of [els.speed, els.direction]) el.addEventListener('change', () => edited(false));
  els.subs.addEventListener('change', async () => {
    if (els.subs.value === 'file') await chooseSubsFile().catch(() => {});
    showSubsNote();
    edited(false);
  });
  for (const el of [els.textTop, els.textBottom]) el.addEventListener('input', () => edited(true));
  els.textStyle.addEventListener('change', () => edited(true));
}

export function wireEdits() {
  wireBox();
  wireFields();
}
