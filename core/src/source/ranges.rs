//! Whether a media server answers a byte range with the whole file. Asked once, only after a
//! ranged read failed: only such a server is read again from the top (a plain read of a long
//! file costs all of it), and a damaged file on a server that honours Range is not.

use crate::source::guard::Guard;
use crate::source::input::Input;
use std::time::Duration;

/// `true` when a `Range: bytes=0-0` request gets `200` instead of `206`. The request goes
/// through the network guard, as ffmpeg's do; any failure counts as "no" (no plain retry).
pub fn answered_whole(input: &Input) -> bool {
    let origin = if input.origin.is_empty() { &input.location } else { &input.origin };
    let Ok(guard) = Guard::start(origin) else { return false };
    let Ok(proxy) = ureq::Proxy::new(&guard.proxy_url()) else { return false };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(Some(proxy))
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .max_redirects(5)
        .build()
        .into();
    let mut request = agent.get(&input.location).header("Range", "bytes=0-0");
    for (name, value) in &input.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    // Only the status line matters: the body (maybe the whole file) is dropped unread.
    request.call().is_ok_and(|response| response.status() == 200)
}
