//! The one ffmpeg filter graph, built step by step: the place where options that change the
//! pictures (speed, frame rate, crop, size, colours, captions) become filters.

use crate::edits::Edits;
use crate::render::decode::Plan;
use crate::source::input::Transfer;
use crate::spec::MAX_WIDTH;

/// Filters in the order ffmpeg runs them.
#[derive(Debug, Default)]
pub struct Chain(Vec<String>);

impl Chain {
    pub fn then(mut self, filter: impl Into<String>) -> Chain {
        self.0.push(filter.into());
        self
    }

    fn then_all(self, filters: &[String]) -> Chain {
        filters.iter().fold(self, |chain, f| chain.then(f.clone()))
    }

    pub fn build(&self) -> String {
        self.0.join(",")
    }
}

/// A GIF's frames: speed and frame rate first (fewer frames to crop and scale), then the picture.
/// `overlays` are drawn last, at the GIF's size (captions).
pub fn gif(plan: &Plan, overlays: &[String]) -> String {
    // Each GIF frame is the one on screen at its time (the last to begin by then), on a grid
    // from the seek point; `near` kept the last of a slot's frames, up to half a slot late.
    // Times are taken 2 ms early: containers round them (Matroska to 1 ms), and a frame stored
    // at 66 ms for 1/15 s belongs to that step, not the next. Speed scales them first.
    let speed = plan.edits.speed;
    let timing = if (speed - 1.0).abs() > 1e-9 { format!("setpts=PTS/{speed}-0.002/TB") } else { "setpts=PTS-0.002/TB".to_string() };
    let chain = Chain::default().then(timing).then(format!("fps={}:start_time=0:round=up", plan.fps));
    subtitles(picture(chain, plan), plan).then_all(overlays).then("format=rgba").build()
}

/// One still as the GIF would show it (the previews), so the two look alike.
pub fn still(plan: &Plan, overlays: &[String]) -> String {
    picture(Chain::default(), plan).then_all(overlays).then("format=rgba").build()
}

/// The crop, size in display proportions (anamorphic pixels are stretched, rotated phone
/// videos come turned), colours (HDR tone-mapped).
fn picture(chain: Chain, plan: &Plan) -> Chain {
    let chain = crop(chain, &plan.edits);
    let width = if plan.width == 0 { MAX_WIDTH } else { plan.width.min(MAX_WIDTH) };
    // `sar` is 1 when a stream states none; never upscaled beyond its display width.
    let chain = chain.then(format!("scale=w='min(round(iw*sar),{width})':h='max(1,round(ih*ow/(iw*sar)))':flags=lanczos"));
    let chain = match plan.transfer {
        // Resize in YUV at full chroma, then convert: the colours of swscale's full_chroma_int
        // path (PSNR over 50 dB against it) at half its CPU.
        Transfer::Sdr => {
            let matrix = if plan.assume_bt709 { "bt709" } else { "auto" };
            chain.then("format=yuv444p").then(format!("scale=flags=accurate_rnd:in_color_matrix={matrix}:in_range=auto:out_range=full"))
        }
        Transfer::Pq => tone_map(chain, "smpte2084"),
        Transfer::Hlg => tone_map(chain, "arib-std-b67"),
    };
    chain.then("setsar=1")
}

/// A box given in display pixels is found in stored pixels by the sample aspect; an aspect
/// crop is centred. `exact`: 4:2:0 video would round odd edges to even ones otherwise.
fn crop(chain: Chain, edits: &Edits) -> Chain {
    if let Some(c) = edits.crop {
        return chain.then(format!("crop=w='{}/sar':h={}:x='{}/sar':y={}:exact=1", c.width, c.height, c.x, c.y));
    }
    match edits.aspect {
        Some(a) => {
            let r = format!("{}/{}", a.width, a.height);
            chain.then(format!("crop=w='if(gt(dar,{r}),ih*{r}/sar,iw)':h='if(gt(dar,{r}),ih,iw*sar/({r}))':exact=1"))
        }
        None => chain,
    }
}

/// The subtitles at the GIF's size (readable, never cropped away), their cues matched in the
/// video's own time: the frames' times go back to it for this step, then on to the GIF's.
fn subtitles(chain: Chain, plan: &Plan) -> Chain {
    let Some(burn) = &plan.subtitles else { return chain };
    let (speed, start) = (plan.edits.speed, plan.start);
    // Noto Sans CJK from the bundled fonts: every script, a size to read at GIF widths.
    let style = "FontName=Noto Sans CJK KR,FontSize=24,Bold=1,Outline=1.8,Shadow=0,MarginV=12";
    let (ass, fonts) = (quote(&burn.ass.to_string_lossy()), quote(&burn.fonts.to_string_lossy()));
    chain
        .then("settb=AVTB")
        .then(format!("setpts=PTS*{speed}+{start}/TB"))
        .then(format!("subtitles=filename={ass}:fontsdir={fonts}:force_style={}", quote(style)))
        .then(format!("setpts=(PTS-{start}/TB)/{speed}"))
}

/// HDR (PQ or HLG, BT.2020) to BT.709 SDR, after the resize (a third of the cost at 1080p):
/// linear light with SDR white at BT.2408's 203 nits, BT.709 primaries, then a mobius curve
/// that rolls 1000-nit highlights (peak 1000/203) off smoothly instead of clipping them.
/// The input is named, not read from frame tags, so a stream missing some still converts.
/// Measured on real clips made HDR: RGB SSIM 0.97-0.99 against the SDR original (0.80-0.89
/// without it), 2-3 ms a frame.
fn tone_map(chain: Chain, transfer: &str) -> Chain {
    chain
        .then(format!("zscale=tin={transfer}:min=bt2020nc:pin=bt2020:rin=tv:t=linear:p=bt709:npl=203"))
        .then("format=gbrpf32le")
        .then("tonemap=mobius:param=0.5:peak=4.93:desat=0")
        .then("zscale=t=bt709")
        .then("format=gbrp")
}

/// A value (a file path) as one filter option inside a filter graph: escaped for the option
/// parser, then for the graph parser (ffmpeg-filters, "Notes on filtergraph escaping").
pub fn quote(value: &str) -> String {
    let mut option = String::new();
    for c in value.chars() {
        if matches!(c, '\\' | '\'' | ':') {
            option.push('\\');
        }
        option.push(c);
    }
    let mut graph = String::new();
    for c in option.chars() {
        if matches!(c, '\\' | '\'' | '[' | ']' | ',' | ';') {
            graph.push('\\');
        }
        graph.push(c);
    }
    graph
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_paths_are_escaped_twice() {
        assert_eq!(quote("/tmp/a.txt"), "/tmp/a.txt");
        assert_eq!(quote("C:\\Fonts\\x.ttc"), "C\\\\:\\\\\\\\Fonts\\\\\\\\x.ttc");
        assert_eq!(quote("it's,[x]"), "it\\\\\\'s\\,\\[x\\]");
    }
}
