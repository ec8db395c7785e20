// Sizes as people read them: file sizes in binary KB/MB, limits in decimal MB (10 MB = 10,000,000 bytes).

import { t, formatNumber } from './i18n.js';

/** Format a byte count as KB or MB. */
export function formatBytes(bytes) {
  if (bytes < 1024) return t('{n} bytes', { n: formatNumber(bytes) });
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round(bytes / 1024))} KB`;
  if (bytes < 1024 ** 3) return `${formatNumber(bytes / (1024 * 1024), 1)} MB`;
  return `${formatNumber(bytes / 1024 ** 3, 1)} GB`;
}

/** "≈ 1.6–2.1 MB" (one figure when the range is exact or rounds to one). */
export function formatSizeRange(low, high) {
  const [a, b] = [formatBytes(low), formatBytes(high)];
  if (a === b) return `≈ ${a}`;
  const unit = (t) => t.split(' ')[1];
  return unit(a) === unit(b) ? `≈ ${a.split(' ')[0]}–${b}` : `≈ ${a} – ${b}`;
}

/** Limits are decimal: 10 MB is 10,000,000 bytes. */
export function formatLimit(bytes) {
  return bytes >= 1e6 ? `${formatNumber(bytes / 1e6, 2, 0)} MB` : `${formatNumber(Math.round(bytes / 1e3))} KB`;
}
