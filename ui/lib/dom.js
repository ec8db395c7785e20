// The page's elements by camel-cased id, and the small helpers every view uses.

export const $ = (id) => document.getElementById(id);
export const els = {};

export function grabElements() {
  for (const id of [
    'gif-form', 'form-fields', 'source', 'link-error', 'probing', 'media-card', 'media-thumb',
    'media-title', 'media-duration', 'media-size', 'media-wait', 'length', 'start', 'end', 'start-frame',
    'end-frame', 'range-error', 'frame-error', 'estimate', 'size-warning', 'width', 'custom-width-wrap',
    'custom-width', 'fit', 'custom-fit-wrap', 'custom-fit', 'fit-note', 'fps', 'quality', 'quality-value', 'loop', 'width-note', 'options-error',
    'result-view', 'result-img', 'result-info', 'progress-wrap', 'progress', 'status', 'error',
    'make-gif', 'cancel', 'change-range', 'save', 'save-format', 'drop-overlay', 'open-file', 'copy-gif', 'show-in-folder',
    'plays-for', 'crop-shapes', 'crop-fields', 'crop-w', 'crop-h', 'crop-x', 'crop-y', 'crop-box', 'crop-shade', 'crop-hint',
    'speed', 'direction', 'text-top', 'text-bottom', 'text-style', 'edit-error', 'subs', 'subs-note',
    'timeline', 'timeline-scale', 'timeline-note', 'timeline-zoom', 'timeline-track', 'timeline-strip', 'timeline-range',
    'timeline-start', 'timeline-end', 'timeline-hover', 'play-moment', 'moment-loop-box', 'moment-loop', 'moment-loop-close', 'moment-loop-error',
    'queue', 'queue-list', 'queue-added', 'add-queue',
  ]) {
    els[id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = $(id);
  }
}

export function showMessage(el, text) {
  el.textContent = text || '';
  el.hidden = !text;
}

export function setStatus(text, tone) {
  els.status.textContent = text || '';
  els.status.classList.toggle('ok', tone === 'ok');
}
