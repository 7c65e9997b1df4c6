// embed_migrations! reads the migration folders at compile time; without this a new migration
// would be silently left out of the binary.
//
// Static files are served under addresses that carry a fingerprint of their content
// (`/static/app.css?v=...`), so browsers may keep them for a year and still get a changed file at
// once. The fingerprint is FNV-1a over every file of `static/`: a cache key, not a security hash.
use std::fs;
use std::path::Path;

fn fingerprint(dir: &Path, hash: &mut u64) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            fingerprint(&path, hash);
        } else if let Ok(bytes) = fs::read(&path) {
            for b in path.to_string_lossy().bytes().chain(bytes) {
                *hash ^= u64::from(b);
                *hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=static");
    let mut hash = 0xcbf2_9ce4_8422_2325;
    fingerprint(Path::new("static"), &mut hash);
    println!("cargo:rustc-env=LABDESK_ASSETS_VERSION={:012x}", hash >> 16);
}
