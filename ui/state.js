// What the window knows: the loaded video, the range, and the job. Views read and write it; form.js redraws from it.

export const MAX_LENGTH = 60;
export const MIN_LENGTH = 0.1;
export const EPS = 1e-6;

export const state = {
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
  thumbUrl: null,       // the media card's thumbnail (a start frame without captions)
  view: 'form',
  job: null,            // the running make_gif job: { jobId }
  result: null,         // make_gif result shown in the result view
  formatBytes: {},      // the shown GIF's WebP and MP4 sizes, once made: { webp, mp4 }
  formatOver: {},       // the formats that cannot fit the GIF's size limit: { webp: true }
  resultUrl: null,
  saving: false,
  savedPath: null,
  historyId: null,
  draggingOut: false,
  draggedPath: null,    // the file a drag out offered: dropped back on the window, it is not a new video   // our own GIF is being dragged out: drops on the window are not new sources      // the history entry of the shown GIF
  pendingRange: null,   // { start, end } for the video being loaded ("Make again")      // where the shown GIF was last saved (for "Show in folder")
  estimateKey: '',      // the spec last sent to estimate_size (avoids repeats)
  lastLength: 3,        // the clip length a start moved past the end keeps
  estimateSeq: 0,
  estimateTimer: 0,
  estimate: null,       // { key, low, high } of the last answer
};

export function knownDuration() {
  const d = state.video?.duration;
  return typeof d === 'number' && d > 0 ? d : null;
}
