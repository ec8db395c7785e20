// The Rust side, read lazily so the page still renders without Tauri.

import { t } from './i18n.js';

export function tauriApi() {
  return window.__TAURI__;
}

export function invoke(command, args) {
  const core = tauriApi()?.core;
  if (!core?.invoke) {
    return Promise.reject({ kind: 'unavailable', message: t("gifgrab's engine isn't running, so this can't be done right now.") });
  }
  return core.invoke(command, args);
}

export function makeChannel(onMessage) {
  const Channel = tauriApi()?.core?.Channel;
  if (!Channel) return undefined;
  const channel = new Channel();
  channel.onmessage = onMessage;
  return channel;
}

export function newJobId() {
  if (window.crypto?.randomUUID) return window.crypto.randomUUID();
  return `job-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Blob URL for binary command output (ArrayBuffer, typed array, or a plain number array). */
export function blobUrl(data, type) {
  const bytes = Array.isArray(data) ? new Uint8Array(data) : data;
  return URL.createObjectURL(new Blob([bytes], { type }));
}

/** Human message from a backend rejection: {kind, message}, a string, or anything else. */
export function errorMessage(err) {
  if (typeof err === 'string' && err.trim()) return err;
  if (err && typeof err.message === 'string' && err.message.trim()) return err.message;
  return t('Something went wrong. Please try again.');
}
