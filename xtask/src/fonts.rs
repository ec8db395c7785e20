//! The caption fonts from Debian's pinned packages, placed in `src-tauri/binaries/fonts/`, which
//! Tauri bundles as a resource. Noto Sans CJK (SIL Open Font License 1.1) covers Latin, Hangul,
//! kana and Han, Regular for the plain style and Bold for the meme style; Symbola ("free for any
//! use") draws the emoji Noto lacks, in outline as drawtext and libass can (no colour font can).

use crate::{sh, Result};
use std::path::{Path, PathBuf};

struct Package {
    name: &'static str,
    version: &'static str,
    deb: &'static str,
    pool: &'static str,
    sha: &'static str,
    megabytes: u32,
    /// Each file and where it goes.
    members: &'static [(&'static str, &'static str)],
}

/// Bumped when the files' places change, so set-up redoes them.
const LAYOUT: &str = "3";
const PACKAGES: &[Package] = &[
    Package {
        name: "fonts-noto-cjk",
        version: "1:20220127+repack1-1",
        deb: "fonts-noto-cjk_20220127+repack1-1_all.deb",
        pool: "http://deb.debian.org/debian/pool/main/f/fonts-noto-cjk/",
        sha: "4a2515eb6db3978b897fef9709ed0d2b1f4c6c4df4d83d6c4ef65f71f1b1f502",
        megabytes: 56,
        // Bold alone in its folder with the emoji, which subtitles read whole (libass loads every
        // font of the folder it is given: one 20 MB file instead of two halves its start).
        members: &[
            ("./usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "NotoSansCJK-Regular.ttc"),
            ("./usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "bold/NotoSansCJK-Bold.ttc"),
            ("./usr/share/doc/fonts-noto-cjk/copyright", "copyright"),
        ],
    },
    Package {
        name: "fonts-symbola",
        version: "2.60-1.1",
        deb: "fonts-symbola_2.60-1.1_all.deb",
        pool: "http://deb.debian.org/debian/pool/main/t/ttf-ancient-fonts/",
        sha: "408244997437d4103e9cdc9dd75db29d0e5fbee6e6874536173995204033a6df",
        megabytes: 2,
        members: &[
            ("./usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf", "bold/Symbola.ttf"),
            ("./usr/share/doc/fonts-symbola/copyright", "copyright-symbola"),
        ],
    },
];

/// Places the fonts unless the stamp names these package versions already.
pub fn ensure() -> Result {
    let dir = crate::root().join("src-tauri/binaries/fonts");
    let stamp = dir.with_file_name(".fonts.stamp");
    let have = PACKAGES.iter().flat_map(|p| p.members).all(|(_, to)| dir.join(to).exists());
    if have && std::fs::read_to_string(&stamp).ok().as_deref() == Some(stamp_text().as_str()) {
        eprintln!("xtask: caption fonts ready");
        return Ok(());
    }
    let debs = PACKAGES.iter().map(download).collect::<Result<Vec<_>>>()?;
    // Files of an older layout must not linger in the bundle.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // A .deb is an ar archive holding data.tar.xz: Python reads both on every system.
    let code = r#"
import sys, tarfile, io, os
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'!<arch>\n', 'not a .deb'
i, tar = 8, None
while i < len(data):
    name, size = data[i:i+16].decode().strip(), int(data[i+48:i+58])
    if name.startswith('data.tar'):
        tar = data[i+60:i+60+size]
    i += 60 + size + (size & 1)
with tarfile.open(fileobj=io.BytesIO(tar)) as t:
    pairs = sys.argv[3:]
    for m, to in zip(pairs[::2], pairs[1::2]):
        part = os.path.join(sys.argv[2], to + '.part')
        os.makedirs(os.path.dirname(part), exist_ok=True)
        open(part, 'wb').write(t.extractfile(m).read())
        os.replace(part, part[:-5])
"#;
    for (package, deb) in PACKAGES.iter().zip(&debs) {
        let mut cmd = sh::python();
        cmd.args(["-c", code]).arg(deb).arg(&dir).args(package.members.iter().flat_map(|(m, to)| [*m, *to]));
        sh::run(&mut cmd)?;
    }
    std::fs::write(&stamp, stamp_text()).map_err(|e| format!("write {}: {e}", stamp.display()))?;
    let bytes: u64 = PACKAGES.iter().flat_map(|p| p.members).filter_map(|(_, to)| std::fs::metadata(dir.join(to)).ok()).map(|m| m.len()).sum();
    eprintln!("xtask: caption fonts ready ({:.1} MB, {})", bytes as f64 / 1e6, stamp_text());
    Ok(())
}

/// The pinned package from Debian's pool, else through apt; checked by SHA-256 either way.
fn download(package: &Package) -> Result<PathBuf> {
    let dir = crate::cache_dir().join("debs");
    let path = dir.join(package.deb);
    if path.exists() && sh::sha256(&path)? == package.sha {
        return Ok(path);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    eprintln!("xtask: downloading {} {} ({} MB) from Debian", package.name, package.version, package.megabytes);
    let fetch = "import sys,urllib.request,shutil\nwith urllib.request.urlopen(sys.argv[1], timeout=60) as r, open(sys.argv[2],'wb') as f: shutil.copyfileobj(r,f)";
    let by_url = sh::run(sh::python().args(["-c", fetch, &format!("{}{}", package.pool, package.deb)]).arg(&path));
    if by_url.is_err() {
        sh::run(std::process::Command::new("apt-get").args(["download", &format!("{}={}", package.name, package.version)]).current_dir(&dir))?;
    }
    check(package, &path)?;
    Ok(path)
}

fn stamp_text() -> String {
    let versions: Vec<String> = PACKAGES.iter().map(|p| format!("{} {}", p.name, p.version)).collect();
    format!("{} layout {LAYOUT}", versions.join(", "))
}

fn check(package: &Package, path: &Path) -> Result {
    let got = sh::sha256(path)?;
    if got != package.sha {
        let _ = std::fs::remove_file(path);
        return Err(format!("{}: checksum mismatch (got {got}, pinned {})", package.deb, package.sha));
    }
    Ok(())
}
