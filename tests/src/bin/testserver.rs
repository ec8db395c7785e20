//! `testserver <root> [--port N] [--rate BYTES_PER_SEC]`
//!
//! Serves `root` over HTTP on 127.0.0.1, prints `listening http://127.0.0.1:PORT/`,
//! then reads commands from stdin, one per line:
//! `stats` prints `bytes_sent N`, `reset` zeroes the counters. Exits on EOF.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use gifgrab_tests::server::TestServer;

fn usage() -> ExitCode {
    eprintln!("usage: testserver <root> [--port N] [--rate BYTES_PER_SEC]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut root = None;
    let mut port: u16 = 0;
    let mut rate: Option<u64> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => match args.next().and_then(|v| v.parse().ok()) {
                Some(p) => port = p,
                None => return usage(),
            },
            "--rate" => match args.next().and_then(|v| v.parse().ok()) {
                Some(r) => rate = Some(r),
                None => return usage(),
            },
            "-h" | "--help" => return usage(),
            _ if root.is_none() && !arg.starts_with("--") => root = Some(arg),
            _ => return usage(),
        }
    }
    let Some(root) = root else {
        return usage();
    };

    let server = match TestServer::start_on(root, port) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("testserver: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    server.set_rate(rate);

    let stdout = io::stdout();
    let mut out = stdout.lock();
    if writeln!(out, "listening {}", server.url("")).and_then(|_| out.flush()).is_err() {
        return ExitCode::FAILURE;
    }

    for line in io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let reply = match line.trim() {
            "stats" => Some(format!("bytes_sent {}", server.bytes_sent())),
            "requests" => Some(format!("requests {}", server.requests())),
            "reset" => {
                server.reset_counters();
                None
            }
            _ => None,
        };
        if let Some(reply) = reply {
            if writeln!(out, "{reply}").and_then(|_| out.flush()).is_err() {
                break;
            }
        }
    }
    ExitCode::SUCCESS
}
