// Times as people type and read them. The CLI's rules (core/src/spec.rs): both run tests/time-cases.json.

import { t, formatNumber } from './i18n.js';

/** Parse "83", "83.25", "1:23.4" or "1:02:03.5" (a trailing "s", a decimal comma) into seconds; null if it isn't a time. */
export function parseTime(text) {
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
export function formatTime(seconds) {
  const tenths = Math.round(Math.max(0, Number(seconds) || 0) * 10);
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Format a length in seconds as "3.2 s". */
export function formatLength(seconds) {
  return t('{n} s', { n: formatNumber(Math.round(seconds * 10) / 10, 1) });
}

/** Round away float noise from repeated ±0.1 steps. */
export function roundMs(seconds) {
  return Math.round(seconds * 1000) / 1000;
}

export function clamp(value, min, max) {
  return Math.min(max, Math.max(min, value));
}
