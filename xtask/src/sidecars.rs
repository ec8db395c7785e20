//! The bundled sidecars, from package registries only, pinned, placed where Tauri's
//! `externalBin` expects them: `src-tauri/binaries/<name>-<target triple>`.

use crate::{sh, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

const FFMPEG_WHEEL: (&str, &str, &str) = (
    "imageio-ffmpeg==0.8.1",
    "imageio_ffmpeg-0.8.1-py3-none-manylinux_2_28_x86_64.whl",
    "050d6850601c3b3890bd2b28306f3b842b3daea390a561101174375a1c460bda",
);
const FFMPEG_MEMBER: &str = "imageio_ffmpeg/binaries/ffmpeg-linux-x86_64-v9.0.2";
const DENO_WHEEL: (&str, &str, &str) = (
    "deno==2.9.8",
    "deno-2.9.8-py3-none-manylinux_2_27_x86_64.whl",
    "b1d1318e7deda8efd593aefa8b565a827fe71cf83aeff09d3a5ceb047444ca18",
);
const DENO_MEMBER: &str = "deno-2.9.8.data/scripts/deno";
const YTDLP: &str = "yt-dlp[default]==2026.10.26";
const PYINSTALLER: &str = "pyinstaller==6.22.3";

pub fn host_triple() -> Result<String> {
    let out = sh::output(Command::new("rustc").arg("-vV"))?;
    out.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| "rustc -vV printed no host triple".into())
}

pub fn ensure_all() -> Result {
    let triple = host_triple()?;
    if triple != "x86_64-unknown-linux-gnu" {
        return Err(format!(
            "automatic sidecar set-up covers x86_64 Linux; on {triple} place ffmpeg, yt-dlp and deno \
             builds in src-tauri/binaries/ as gifgrab-ffmpeg-{triple}, gifgrab-yt-dlp-{triple} and \
             gifgrab-deno-{triple} (ffmpeg from the imageio-ffmpeg 0.8.1 wheel for your platform, \
             yt-dlp built with PyInstaller from yt-dlp[default]==2026.10.26, deno from the deno 2.9.8 wheel)"
        ));
    }
    let dir = crate::root().join("src-tauri/binaries");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    place(&dir, "gifgrab-ffmpeg", &triple, FFMPEG_WHEEL.2, || {
        let whl = sh::pypi_wheel(FFMPEG_WHEEL.0, FFMPEG_WHEEL.1, FFMPEG_WHEEL.2, Some("manylinux_2_28_x86_64"))?;
        Ok(Source::Zip(whl, FFMPEG_MEMBER))
    })?;
    place(&dir, "gifgrab-deno", &triple, DENO_WHEEL.2, || {
        let whl = sh::pypi_wheel(DENO_WHEEL.0, DENO_WHEEL.1, DENO_WHEEL.2, None)?;
        Ok(Source::Zip(whl, DENO_MEMBER))
    })?;
    place(&dir, "gifgrab-yt-dlp", &triple, &format!("{YTDLP} {PYINSTALLER}"), || {
        Ok(Source::File(build_ytdlp("--onefile")?))
    })?;
    place_folder(&dir.join("yt-dlp"), &format!("{YTDLP} {PYINSTALLER} onedir"))?;
    Ok(())
}

/// yt-dlp's one-folder build (a Tauri resource): it starts in about 0.5 s instead of the
/// one-file build's 1 s, which unpacks itself on every call.
fn place_folder(dest: &Path, version: &str) -> Result {
    let stamp = dest.with_file_name(".gifgrab-yt-dlp-folder.stamp");
    let exe = dest.join("gifgrab-yt-dlp");
    if !(exe.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(version)) {
        let built = build_ytdlp("--onedir")?;
        let _ = std::fs::remove_dir_all(dest);
        sh::run(std::process::Command::new("cp").arg("-a").arg(built.parent().ok_or("no folder")?).arg(dest))?;
        std::fs::write(&stamp, version).map_err(|e| format!("write {}: {e}", stamp.display()))?;
    }
    if !sh::works(Command::new(&exe).arg("--version")) {
        let _ = std::fs::remove_file(&stamp);
        return Err(format!("{} does not run; delete it and run set-up again", exe.display()));
    }
    eprintln!("xtask: sidecar yt-dlp (one folder) ready");
    Ok(())
}

enum Source {
    Zip(PathBuf, &'static str),
    File(PathBuf),
}

/// Installs one sidecar unless the stamp beside it names the same pinned version.
fn place(dir: &Path, name: &str, triple: &str, version: &str, get: impl FnOnce() -> Result<Source>) -> Result {
    let dest = dir.join(format!("{name}-{triple}"));
    let stamp = dir.join(format!(".{name}.stamp"));
    let fresh = dest.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(version);
    if !fresh {
        let _ = std::fs::remove_file(&stamp);
        match get()? {
            Source::Zip(zip, member) => sh::unzip_member(&zip, member, &dest)?,
            Source::File(file) => {
                let tmp = dest.with_extension("part");
                std::fs::copy(&file, &tmp).map_err(|e| format!("copy {}: {e}", file.display()))?;
                sh::make_executable(&tmp)?;
                std::fs::rename(&tmp, &dest).map_err(|e| format!("place {}: {e}", dest.display()))?;
            }
        }
        std::fs::write(&stamp, version).map_err(|e| format!("write {}: {e}", stamp.display()))?;
    }
    // A sidecar that cannot say its version is broken: catch it here, not in a user's job.
    let flag = if name.ends_with("ffmpeg") { "-version" } else { "--version" };
    if !sh::works(Command::new(&dest).arg(flag)) {
        let _ = std::fs::remove_file(&stamp);
        return Err(format!("{} does not run; delete it and run set-up again", dest.display()));
    }
    eprintln!("xtask: sidecar {name} ready");
    Ok(())
}

/// yt-dlp built by PyInstaller (`--onefile` or `--onedir`) in a private venv, cached by
/// version; returns the executable.
fn build_ytdlp(mode: &str) -> Result<PathBuf> {
    let base = crate::cache_dir().join("yt-dlp-2026.10.26");
    let (dist, work) = if mode == "--onedir" { (base.join("dist-onedir"), base.join("build-onedir")) } else { (base.join("dist"), base.join("build")) };
    let out = if mode == "--onedir" { dist.join("gifgrab-yt-dlp/gifgrab-yt-dlp") } else { dist.join("gifgrab-yt-dlp") };
    if out.exists() {
        return Ok(out);
    }
    eprintln!("xtask: building the yt-dlp sidecar ({mode}) with PyInstaller (about a minute)");
    let venv = base.join("venv");
    if !venv.join("bin/pyinstaller").exists() {
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).map_err(|e| format!("cannot create {}: {e}", base.display()))?;
        sh::run(sh::python().args(["-m", "venv"]).arg(&venv))?;
        let pip = venv.join("bin/pip");
        sh::run(Command::new(&pip).args(["install", "--quiet", "--disable-pip-version-check", YTDLP, PYINSTALLER]))?;
    }
    let entry = base.join("entry.py");
    std::fs::write(&entry, "import yt_dlp\n\nif __name__ == '__main__':\n    yt_dlp.main()\n")
        .map_err(|e| format!("write {}: {e}", entry.display()))?;
    sh::run(
        Command::new(venv.join("bin/pyinstaller"))
            .args(["--noconfirm", mode, "--log-level", "WARN", "--name", "gifgrab-yt-dlp", "--distpath"])
            .arg(&dist)
            .arg("--workpath")
            .arg(&work)
            .arg(&entry)
            .current_dir(&base),
    )?;
    if !out.exists() {
        return Err(format!("PyInstaller did not produce {}", out.display()));
    }
    Ok(out)
}
