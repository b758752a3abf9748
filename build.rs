//! Rebuild when the sample content changes: `include_dir!` does not notice added files.

fn main() {
    println!("cargo:rerun-if-changed=content");
    println!("cargo:rerun-if-changed=migrations");
}
