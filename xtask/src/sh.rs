//! Running commands and small file helpers for set-up.

use crate::Result;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::root().join("target"))
}

/// Runs a command with inherited output; a non-zero exit is an error naming the command.
pub fn run(cmd: &mut Command) -> Result {
    let status = cmd.status().map_err(|e| format!("could not start {}: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status})", describe(cmd)))
    }
}

/// Runs a command and returns its stdout; stderr passes through.
pub fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start {}: {e}", describe(cmd)))?;
    if !out.status.success() {
        return Err(format!("{} failed ({})", describe(cmd), out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// True when the program runs and exits 0 (used to check installed tools).
pub fn works(cmd: &mut Command) -> bool {
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args().take(4) {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    format!("`{s}`")
}

pub fn sha256(path: &Path) -> Result<String> {
    let out = output(Command::new("sha256sum").arg(path))?;
    Ok(out.split_whitespace().next().unwrap_or_default().to_string())
}

/// Downloads one pinned wheel from PyPI into the cache and checks its SHA-256.
pub fn pypi_wheel(spec: &str, file: &str, sha: &str, platform: Option<&str>) -> Result<PathBuf> {
    let dir = crate::cache_dir().join("wheels");
    let path = dir.join(file);
    if path.exists() && sha256(&path)? == sha {
        return Ok(path);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    eprintln!("xtask: downloading {spec} from PyPI");
    let mut cmd = python();
    cmd.args(["-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "--dest"])
        .arg(&dir)
        .arg(spec);
    if let Some(p) = platform {
        cmd.args(["--platform", p]);
    }
    run(&mut cmd)?;
    let got = sha256(&path)?;
    if got != sha {
        let _ = std::fs::remove_file(&path);
        return Err(format!("{file}: checksum mismatch (got {got}, pinned {sha})"));
    }
    Ok(path)
}

/// Extracts one member of a zip (wheel) to `dest`, executable.
pub fn unzip_member(zip: &Path, member: &str, dest: &Path) -> Result {
    let tmp = dest.with_extension("part");
    let code = "import sys,zipfile,shutil\nwith zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as s, open(sys.argv[3],'wb') as d: shutil.copyfileobj(s,d)";
    run(python().args(["-c", code]).arg(zip).arg(member).arg(&tmp))?;
    make_executable(&tmp)?;
    std::fs::rename(&tmp, dest).map_err(|e| format!("cannot place {}: {e}", dest.display()))
}

pub fn make_executable(path: &Path) -> Result {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("chmod {}: {e}", path.display()))?;
    }
    Ok(())
}

pub fn python() -> Command {
    Command::new(if cfg!(windows) { "python" } else { "python3" })
}
