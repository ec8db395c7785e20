// The Settings dialog: opt-in sign-in (Firefox or a cookies.txt file) and video support
// (the versions in use, the update channel, "Update video support").

import { t, LANGUAGES, language, setLanguage } from '../lib/i18n.js';
import { remember } from '../lib/settings.js';
import { $ } from '../lib/dom.js';
import { invoke, errorMessage as messageOf, tauriApi as tauri } from '../lib/backend.js';
import { formatBytes } from '../lib/size.js';

function say(el, text, tone) {
  el.textContent = text;
  el.classList.toggle('error', tone === 'error');
  el.classList.toggle('ok', tone === 'ok');
}

let cookiesFile = null;

function chosen() {
  return document.querySelector('input[name="sign-in"]:checked').value;
}

function signInRequest() {
  const mode = chosen();
  if (mode === 'firefox') {
    const profile = $('firefox-profile').value;
    return { browser: profile ? `firefox:${profile}` : 'firefox', cookiesFile: null };
  }
  if (mode === 'file') return { cookiesFile, browser: null };
  return { cookiesFile: null, browser: null };
}

async function applySignIn() {
  const status = $('sign-in-status');
  if (chosen() === 'file' && !cookiesFile) {
    say(status, t('Choose a cookies.txt file first.'), 'error');
    return;
  }
  try {
    await invoke('set_sign_in', { signIn: signInRequest() });
    const mode = chosen();
    say(status, mode === 'off' ? t('Sign-in is off.') : t('Sign-in is on for the next video you load.'), 'ok');
  } catch (err) {
    say(status, messageOf(err), 'error');
  }
}

async function chooseCookies() {
  const dialog = tauri()?.dialog;
  if (!dialog) return;
  const path = await dialog.open({
    multiple: false,
    directory: false,
    title: t('Choose a cookies.txt file'),
    filters: [{ name: t('Cookies (Netscape format)'), extensions: ['txt'] }],
  });
  if (!path) return;
  cookiesFile = String(path);
  $('cookies-path').textContent = cookiesFile;
  $('sign-in-file').checked = true;
  applySignIn();
}

async function loadProfiles() {
  const select = $('firefox-profile');
  try {
    const profiles = await invoke('firefox_profiles');
    select.replaceChildren(
      ...(profiles.length ? profiles : [{ name: t('Default profile'), path: '' }]).map((p) => new Option(p.name, p.path)),
    );
  } catch {
    select.replaceChildren(new Option(t('Default profile'), ''));
  }
}

/** "bundled" or "updated (stable)", from the Rust side's English, in the window's language. */
function ytdlpSource(text) {
  const updated = /^updated \((.*)\)$/.exec(text || '');
  return updated ? t('updated ({channel})', { channel: updated[1] }) : t(text || 'unknown');
}

function showVersions(v) {
  const rows = [
    ['yt-dlp', `${v.ytdlp} (${ytdlpSource(v.ytdlpSource)})`],
    ['deno', v.deno],
    ['ffmpeg', v.ffmpeg],
    ['gifgrab', v.gifgrab],
  ];
  $('versions').replaceChildren(
    ...rows.flatMap(([k, val]) => {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = val || t('unknown');
      return [dt, dd];
    }),
  );
}

async function loadVersions() {
  try {
    const v = await invoke('versions');
    showVersions(v);
    if (v.channel) $('channel').value = v.channel;
  } catch (err) {
    say($('update-status'), messageOf(err), 'error');
  }
}

async function updateSupport() {
  const button = $('update-support');
  const status = $('update-status');
  button.disabled = true;
  say(status, t('Updating video support…'));
  try {
    const r = await invoke('update_video_support', { channel: $('channel').value });
    say(status, r.changed ? t('Updated yt-dlp {previous} → {version}.', { previous: r.previous || '', version: r.version }) : t('yt-dlp {version} is the newest.', { version: r.version }), 'ok');
    loadVersions();
  } catch (err) {
    say(status, messageOf(err), 'error');
  } finally {
    button.disabled = false;
  }
}

async function loadCacheUsage() {
  try {
    const usage = await invoke('cache_usage');
    $('cache-usage').textContent = usage ? t('{used} of {limit} used', { used: formatBytes(usage.used), limit: formatBytes(usage.limit) }) : t('The cache is off.');
    $('clear-cache').disabled = !usage || usage.used === 0;
  } catch (err) {
    say($('cache-status'), messageOf(err), 'error');
  }
}

async function clearCache() {
  const status = $('cache-status');
  try {
    await invoke('clear_cache');
    say(status, t('The cache is empty.'), 'ok');
  } catch (err) {
    say(status, messageOf(err), 'error');
  }
  loadCacheUsage();
}

function openSettings() {
  const dialog = $('settings');
  if (dialog.open) return;
  dialog.showModal();
  // Its first control takes focus and scrolls a short window's dialog past its own title.
  dialog.scrollTop = 0;
  loadProfiles();
  loadVersions();
  say($('cache-status'), '');
  loadCacheUsage();
}

export function wireSettings() {
  $('open-settings').addEventListener('click', openSettings);
  // Why Chrome and Edge are not offered is Windows' own story.
  $('windows-cookies-hint').hidden = !navigator.userAgent.includes('Windows');
  for (const radio of document.querySelectorAll('input[name="sign-in"]')) {
    radio.addEventListener('change', () => (radio.value === 'file' && !cookiesFile ? chooseCookies() : applySignIn()));
  }
  $('firefox-profile').addEventListener('change', () => {
    if (chosen() === 'firefox') applySignIn();
  });
  $('choose-cookies').addEventListener('click', chooseCookies);
  $('update-support').addEventListener('click', updateSupport);
  $('clear-cache').addEventListener('click', clearCache);
  const pick = $('language');
  pick.replaceChildren(...LANGUAGES.map((l) => new Option(l.name, l.code)));
  pick.value = language();
  pick.addEventListener('change', () => {
    setLanguage(pick.value);
    remember('language', pick.value);
  });
}

/** The menu shows the language in use (the system's, or a remembered choice). */
export function showLanguage() {
  $('language').value = language();
}
