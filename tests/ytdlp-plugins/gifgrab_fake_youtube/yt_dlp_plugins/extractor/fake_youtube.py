"""A fake YouTube for gifgrab's tests: the real yt-dlp answers like YouTube, offline.

Load it with `--plugin-dirs tests/ytdlp-plugins`. A URL such as
`http://127.0.0.1:PORT/yt/watch?v=ID` makes it fetch the scenario `http://127.0.0.1:PORT/yt/ID.json`
from the test server (tests/src/server.rs) and build the info dict YouTube's extractor would.

Scenario keys (all optional): `error`, `title`, `duration`, `formats`, `expire_in`, `available_in`,
`extract_delay`, `live_status`, `is_live`, `subtitles`, `automatic_captions`, `width`, `height`,
`thumbnails`. A format with `format_note: storyboard` passes as YouTube's sb* formats do
(its `fragments` are the sheets, their URLs relative to the server). `expire_in`/`available_in`/`extract_delay`/`error` may be lists: element k-1 applies
to the k-th extraction (k = the server's `X-Hit-Count` for the JSON); the last element repeats.
"""

import math
import time
import urllib.parse

from yt_dlp.extractor.common import InfoExtractor
from yt_dlp.utils import ExtractorError, int_or_none

# yt-dlp's own std_headers supply Accept and Sec-Fetch-Mode; these are what YouTube formats carry too.
_BROWSER_UA = ('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 '
               '(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36')
# YouTube's quality labels, lowest first (as in _video.py's `qualities([...])`).
_QUALITIES = ['tiny', 'audio_quality_ultralow', 'audio_quality_low', 'audio_quality_medium',
              'audio_quality_high', 'small', 'medium', 'large', 'hd720', 'hd1080', 'hd1440',
              'hd2160', 'hd2880', 'highres']
_HEIGHT_QUALITY = [(144, 'tiny'), (240, 'small'), (360, 'medium'), (480, 'large'), (720, 'hd720'),
                   (1080, 'hd1080'), (1440, 'hd1440'), (2160, 'hd2160'), (2880, 'hd2880')]


def _nth(value, hit):
    """A per-extraction value: lists are indexed by the 1-based hit count, the last one repeats."""
    if isinstance(value, list):
        return value[min(hit, len(value)) - 1] if value else None
    return value


def _quality(fmt):
    """YouTube's `quality` preference: from the height label, or audio_quality_medium for audio."""
    if fmt.get('vcodec') == 'none':
        return _QUALITIES.index('audio_quality_medium')
    height = fmt.get('height') or 0
    label = 'tiny'
    for h, name in _HEIGHT_QUALITY:
        if height >= h:
            label = name
    return _QUALITIES.index(label)


class GifgrabFakeYoutubeIE(InfoExtractor):
    # Starts with "youtube" so yt-dlp's lines read `[youtube:gifgrabtest] ID: ...`, as gifgrab expects.
    IE_NAME = 'youtube:gifgrabtest'
    IE_DESC = False  # not listed in --list-extractors descriptions
    _VALID_URL = r'(?P<base>https?://(?:127\.0\.0\.1|localhost|\[::1\]):\d+)/yt/watch\?(?:[^#]*&)?v=(?P<id>[\w-]+)'

    def _real_extract(self, url):
        base, video_id = self._match_valid_url(url).group('base', 'id')
        scenario, urlh = self._download_json_handle(
            f'{base}/yt/{video_id}.json', video_id, note='Downloading player response (fake)')
        # The server counts GETs per path, so the Nth extraction of a video can answer differently.
        hit = int_or_none(urlh.headers.get('X-Hit-Count')) or 1

        delay = _nth(scenario.get('extract_delay'), hit)
        if delay:
            time.sleep(float(delay))  # lets tests cancel while yt-dlp is still looking up
        error = _nth(scenario.get('error'), hit)
        if error:
            # expected=True: no "please report this issue" tail, just `ERROR: [ie] ID: text`.
            raise ExtractorError(error, expected=True, video_id=video_id)

        now = time.time()
        expire = int(now) + int(_nth(scenario.get('expire_in', 21600), hit))
        available_in = _nth(scenario.get('available_in'), hit)
        live_status = scenario.get('live_status') or ('is_live' if scenario.get('is_live') else 'not_live')
        if available_in is not None:
            # Same arithmetic as YouTube's _get_available_at_timestamp: ceil(now) + ad seconds.
            available_at = math.ceil(now) + available_in
        else:
            available_at = int(now)  # YouTube stamps every non-live format, even without an ad
        query = {'expire': expire}
        if available_in is not None:
            # The server answers 403 until this moment, like googlevideo during a pre-roll ad.
            query['not_before'] = int((available_at + float(scenario.get('host_lag', 0))) * 1000)

        formats = []
        for src in scenario.get('formats') or []:
            fmt = dict(src)
            fmt_url = urllib.parse.urljoin(base + '/', fmt['url'])
            fmt['url'] = self._add_query(fmt_url, query)
            # A storyboard's sheets (YouTube's sb* formats) are its fragments.
            for fragment in fmt.get('fragments') or []:
                fragment['url'] = urllib.parse.urljoin(base + '/', fragment['url'])
            if fmt.get('format_note') == 'storyboard':
                formats.append(fmt)
                continue
            if fmt.get('manifest_url'):
                fmt['manifest_url'] = self._add_query(urllib.parse.urljoin(base + '/', fmt['manifest_url']), query)
            fmt.setdefault('protocol', 'https' if fmt_url.startswith('https') else 'http')
            fmt.setdefault('quality', _quality(fmt))
            fmt.setdefault('source_preference', -1)
            if fmt['protocol'] in ('https', 'http'):
                fmt.setdefault('downloader_options', {'http_chunk_size': 10 << 20})  # YouTube's CHUNK_SIZE
            if live_status not in ('is_live', 'post_live'):
                fmt['available_at'] = available_at
            fmt['http_headers'] = {
                'User-Agent': _BROWSER_UA,
                'Accept-Language': 'en-us,en;q=0.5',
                'Sec-Fetch-Mode': 'navigate',
                'X-Gifgrab-Test': video_id,  # lets the server log tell which video a request is for
                **(fmt.get('http_headers') or {}),
            }
            formats.append(fmt)

        videos = [f for f in formats if f.get('vcodec') != 'none' and f.get('height')]
        best = max(videos, key=lambda f: (f['height'], f.get('width') or 0), default={})
        info = {
            'id': video_id,
            'title': scenario.get('title') or f'Fake YouTube video {video_id}',
            'duration': scenario.get('duration'),
            'formats': formats,
            'width': scenario.get('width', best.get('width')),
            'height': scenario.get('height', best.get('height')),
            'subtitles': scenario.get('subtitles') or {},
            'automatic_captions': scenario.get('automatic_captions') or {},
            'thumbnails': scenario.get('thumbnails'),
            'live_status': live_status,
            'is_live': live_status == 'is_live',
            'webpage_url': url,
            'extractor_key': 'Youtube',
            # The order YouTube's extractor gives yt-dlp's format sorter (see _video.py).
            '_format_sort_fields': ('quality', 'res', 'fps', 'hdr:12', 'source', 'vcodec',
                                    'channels', 'acodec', 'lang', 'proto'),
        }
        return info

    @staticmethod
    def _add_query(url, query):
        parts = urllib.parse.urlsplit(url)
        q = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        q = [(k, v) for k, v in q if k not in query] + [(k, str(v)) for k, v in query.items()]
        return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(q)))


class GifgrabFakeYoutubeClipIE(InfoExtractor):
    """`/yt/clip/ID`: a scenario `{"clip": {"video": VID, "start": S, "end": E}}` answers as
    YouTube's clip extractor does, the video's watch link with the clip's part of it."""
    IE_NAME = 'youtube:gifgrabtest:clip'
    IE_DESC = False
    _VALID_URL = r'(?P<base>https?://(?:127\.0\.0\.1|localhost|\[::1\]):\d+)/yt/clip/(?P<id>[\w-]+)'

    def _real_extract(self, url):
        base, clip_id = self._match_valid_url(url).group('base', 'id')
        scenario = self._download_json(f'{base}/yt/{clip_id}.json', clip_id, note='Downloading clip (fake)')
        clip = scenario['clip']
        return {
            '_type': 'url_transparent',
            'url': f'{base}/yt/watch?v={clip["video"]}',
            'ie_key': GifgrabFakeYoutubeIE.ie_key(),
            'id': clip_id,
            'section_start': float(clip['start']),
            'section_end': float(clip['end']),
        }
