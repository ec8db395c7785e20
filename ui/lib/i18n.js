// The window's language: English as written in the page and views, or a catalogue (ui/i18n/*.js)
// keyed by that English text. Chosen in Settings, else the system's language, else English.

import { ko } from '../i18n/ko.js';
import { invoke } from './backend.js';

const CATALOGUES = { ko };
/** The languages offered, each named in itself. */
export const LANGUAGES = [{ code: 'en', name: 'English' }, { code: 'ko', name: '한국어' }];

let current = 'en';
const listeners = [];

export function language() {
  return current;
}

/** `text` in the window's language, `{name}` filled from `args`. */
export function t(text, args) {
  const words = CATALOGUES[current]?.[text] ?? text;
  return args ? words.replace(/\{(\w+)\}/g, (m, k) => (k in args ? String(args[k]) : m)) : words;
}

/** A number as the window's language writes it: digits grouped, `digits` decimals (at least `least`). */
export function formatNumber(n, digits = 0, least = digits) {
  try {
    return new Intl.NumberFormat(current, { minimumFractionDigits: least, maximumFractionDigits: digits }).format(n);
  } catch {
    return Number(n).toFixed(digits);
  }
}

/** The saved choice if it is offered, else the first of the system's languages offered, else English. */
export function pickLanguage(saved, system = []) {
  const offered = LANGUAGES.map((l) => l.code);
  if (offered.includes(saved)) return saved;
  for (const tag of [...system, ...(navigator.languages || [])]) {
    const base = String(tag).toLowerCase().split(/[-_]/)[0];
    if (offered.includes(base)) return base;
  }
  return 'en';
}

/** Switches the window's words; views that draw their own text redraw through `onLanguage`. */
export function setLanguage(code) {
  current = CATALOGUES[code] || code === 'en' ? code : 'en';
  document.documentElement.lang = current;
  invoke('set_language', { lang: current }).catch(() => {}); // the Rust side's messages follow
  translateDocument();
  for (const redraw of listeners) redraw();
}

export function onLanguage(redraw) {
  listeners.push(redraw);
}

// The page's own English, kept per text node and attribute so a switch back finds it again.
const source = new WeakMap();
const shown = new WeakMap();
const ATTRIBUTES = ['placeholder', 'aria-label', 'title', 'alt'];

/** Words written into the page (index.html) in the window's language; `translate="no"` is left alone. */
function translateDocument() {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
    acceptNode: (n) => (n.nodeType === 1 && (n.closest('[translate="no"]') || n.tagName === 'SCRIPT' || n.tagName === 'svg') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  for (let n = walker.currentNode; n; n = walker.nextNode()) {
    if (n.nodeType === 3) translateText(n);
    else for (const a of ATTRIBUTES) if (n.hasAttribute(a)) translateAttribute(n, a);
  }
}

function translateText(node) {
  // A view may have rewritten this text since: what it wrote is the new source.
  if (!source.has(node) || shown.get(node) !== node.nodeValue) source.set(node, node.nodeValue);
  const english = source.get(node);
  const key = english.trim().replace(/\s+/g, ' ');
  if (!key) return;
  const words = t(key);
  node.nodeValue = words === key ? english : english.replace(english.trim(), words);
  shown.set(node, node.nodeValue);
}

function translateAttribute(el, name) {
  const kept = `data-en-${name}`;
  if (!el.hasAttribute(kept) || el.getAttribute(`data-shown-${name}`) !== el.getAttribute(name)) el.setAttribute(kept, el.getAttribute(name));
  const words = t(el.getAttribute(kept));
  el.setAttribute(name, words);
  el.setAttribute(`data-shown-${name}`, words);
}
