//! What an ffmpeg may reach on the network: with Linux's Landlock (TCP rules: kernel 6.7+, ABI 4),
//! its TCP connections may go to the network guard's port only (local files: nowhere). ffmpeg's
//! own allow-list cannot say that: a playlist naming an `httpproxy://` segment would make it
//! connect straight to any host. Older kernels run ffmpeg unconfined (the guard still applies).

use std::process::Command;

/// Lets the command's TCP connections reach `port` only (`None`: no TCP connection at all).
pub fn confine_tcp(cmd: &mut Command, port: Option<u16>) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: the hook only makes raw system calls (no allocation, no locks) between fork
        // and exec, as pre_exec requires.
        unsafe {
            cmd.pre_exec(move || {
                landlock::restrict_tcp(port);
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (cmd, port);
}

/// Whether this kernel can confine TCP connections (for tests and diagnostics).
pub fn tcp_confinement_available() -> bool {
    #[cfg(target_os = "linux")]
    return landlock::abi() >= 4;
    #[cfg(not(target_os = "linux"))]
    false
}

#[cfg(target_os = "linux")]
mod landlock {
    const CREATE_RULESET: libc::c_long = 444;
    const ADD_RULE: libc::c_long = 445;
    const RESTRICT_SELF: libc::c_long = 446;
    const CREATE_RULESET_VERSION: u32 = 1;
    const ACCESS_NET_CONNECT_TCP: u64 = 1 << 1;
    const RULE_NET_PORT: u32 = 2;

    #[repr(C)]
    struct RulesetAttr {
        handled_access_fs: u64,
        handled_access_net: u64,
    }

    #[repr(C, packed)]
    struct NetPortAttr {
        allowed_access: u64,
        port: u64,
    }

    pub fn abi() -> i64 {
        // SAFETY: asks for the ABI version only; no pointers are read.
        unsafe { libc::syscall(CREATE_RULESET, std::ptr::null::<RulesetAttr>(), 0usize, CREATE_RULESET_VERSION) }
    }

    /// Best effort: on any failure the process stays unconfined.
    pub fn restrict_tcp(port: Option<u16>) {
        if abi() < 4 {
            return;
        }
        let attr = RulesetAttr { handled_access_fs: 0, handled_access_net: ACCESS_NET_CONNECT_TCP };
        // SAFETY: plain Landlock system calls on structs that live on this stack frame; the
        // ruleset descriptor is closed before returning.
        unsafe {
            let fd = libc::syscall(CREATE_RULESET, &attr as *const RulesetAttr, std::mem::size_of::<RulesetAttr>(), 0u32);
            if fd < 0 {
                return;
            }
            let fd = fd as libc::c_int;
            if let Some(port) = port {
                let rule = NetPortAttr { allowed_access: ACCESS_NET_CONNECT_TCP, port: port as u64 };
                if libc::syscall(ADD_RULE, fd, RULE_NET_PORT, &rule as *const NetPortAttr, 0u32) != 0 {
                    libc::close(fd);
                    return;
                }
            }
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 {
                libc::syscall(RESTRICT_SELF, fd, 0u32);
            }
            libc::close(fd);
        }
    }
}
