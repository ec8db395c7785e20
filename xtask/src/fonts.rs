//! The caption fonts: Noto Sans CJK (SIL Open Font License 1.1) from Debian's pinned package,
//! placed in `src-tauri/binaries/fonts/`, which Tauri bundles as a resource. One family covers
//! Latin, Hangul, kana and Han; Regular for the plain style, Bold for the meme style.

use crate::{sh, Result};
use std::path::{Path, PathBuf};

const PACKAGE: &str = "fonts-noto-cjk";
const VERSION: &str = "1:20220127+repack1-1";
/// Bumped when the files' places change, so set-up redoes them.
const LAYOUT: &str = "2";
const DEB: &str = "fonts-noto-cjk_20220127+repack1-1_all.deb";
const POOL: &str = "http://deb.debian.org/debian/pool/main/f/fonts-noto-cjk/";
const SHA: &str = "4a2515eb6db3978b897fef9709ed0d2b1f4c6c4df4d83d6c4ef65f71f1b1f502";
/// Each file and where it goes: Bold alone in its folder, which subtitles read whole (libass
/// loads every font of the folder it is given: one 20 MB file instead of two halves its start).
const MEMBERS: &[(&str, &str)] = &[
    ("./usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "NotoSansCJK-Regular.ttc"),
    ("./usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "bold/NotoSansCJK-Bold.ttc"),
    ("./usr/share/doc/fonts-noto-cjk/copyright", "copyright"),
];

/// Places the fonts unless the stamp names this package version already.
pub fn ensure() -> Result {
    let dir = crate::root().join("src-tauri/binaries/fonts");
    let stamp = dir.with_file_name(".fonts.stamp");
    let have = MEMBERS.iter().all(|(_, to)| dir.join(to).exists());
    if have && std::fs::read_to_string(&stamp).ok().as_deref() == Some(stamp_text().as_str()) {
        eprintln!("xtask: caption fonts ready");
        return Ok(());
    }
    let deb = download()?;
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
    let mut cmd = sh::python();
    cmd.args(["-c", code]).arg(&deb).arg(&dir).args(MEMBERS.iter().flat_map(|(m, to)| [*m, *to]));
    sh::run(&mut cmd)?;
    std::fs::write(&stamp, stamp_text()).map_err(|e| format!("write {}: {e}", stamp.display()))?;
    let bytes: u64 = MEMBERS.iter().filter_map(|(_, to)| std::fs::metadata(dir.join(to)).ok()).map(|m| m.len()).sum();
    eprintln!("xtask: caption fonts ready ({:.1} MB, {PACKAGE} {VERSION})", bytes as f64 / 1e6);
    Ok(())
}

/// The pinned package from Debian's pool, else through apt; checked by SHA-256 either way.
fn download() -> Result<PathBuf> {
    let dir = crate::cache_dir().join("debs");
    let path = dir.join(DEB);
    if path.exists() && sh::sha256(&path)? == SHA {
        return Ok(path);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    eprintln!("xtask: downloading {PACKAGE} {VERSION} (56 MB) from Debian");
    let fetch = "import sys,urllib.request,shutil\nwith urllib.request.urlopen(sys.argv[1], timeout=60) as r, open(sys.argv[2],'wb') as f: shutil.copyfileobj(r,f)";
    let by_url = sh::run(sh::python().args(["-c", fetch, &format!("{POOL}{DEB}")]).arg(&path));
    if by_url.is_err() {
        sh::run(std::process::Command::new("apt-get").args(["download", &format!("{PACKAGE}={VERSION}")]).current_dir(&dir))?;
    }
    check(&path)?;
    Ok(path)
}

fn stamp_text() -> String {
    format!("{VERSION} layout {LAYOUT}")
}

fn check(path: &Path) -> Result {
    let got = sh::sha256(path)?;
    if got != SHA {
        let _ = std::fs::remove_file(path);
        return Err(format!("{DEB}: checksum mismatch (got {got}, pinned {SHA})"));
    }
    Ok(())
}
