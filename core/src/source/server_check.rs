//! One small request to the media server itself, made only after ffmpeg failed and its words
//! fall short: does the server answer a byte range with the whole file (then, and only then,
//! a plain read from the top is worth it), or does it redirect in a loop (ffmpeg says only
//! "Input/output error")?

use crate::error::{Doing, Error, Msg};
use crate::source::guard::Guard;
use crate::source::input::Input;
use std::time::Duration;

/// What a `Range: bytes=0-0` request got.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// `200`: the range was ignored, the whole file came.
    Whole,
    /// `206` or any other status ffmpeg already words well.
    Ranged,
    /// More redirects than any real server needs.
    RedirectLoop,
    /// No answer at all (ffmpeg's own message stands).
    Nothing,
}

/// Asks through the network guard, as ffmpeg's requests go, within 10 s.
pub fn ask(input: &Input) -> Answer {
    let origin = if input.origin.is_empty() { &input.location } else { &input.origin };
    let Ok(guard) = Guard::start(origin) else { return Answer::Nothing };
    let Ok(proxy) = ureq::Proxy::new(&guard.proxy_url()) else { return Answer::Nothing };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(Some(proxy))
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .max_redirects(8)
        .build()
        .into();
    let mut request = agent.get(&input.location).header("Range", "bytes=0-0");
    for (name, value) in &input.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    // Only the status line matters: the body (maybe the whole file) is dropped unread.
    match request.call() {
        Ok(response) if response.status() == 200 => Answer::Whole,
        Ok(_) => Answer::Ranged,
        Err(ureq::Error::TooManyRedirects) => Answer::RedirectLoop,
        Err(_) => Answer::Nothing,
    }
}

/// A better word for ffmpeg's "the connection failed", when the server's answer gives one.
pub fn explain(answer: &Answer, doing: Doing) -> Option<Error> {
    (*answer == Answer::RedirectLoop).then(|| Msg::RedirectsToItself { doing }.into())
}
