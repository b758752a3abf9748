//! The `pestle` binary: everything lives in the library; see `pestle --help`.

fn main() -> std::process::ExitCode {
    tune_allocator();
    pestle::cli::run()
}

/// glibc's allocator, left to itself, kept far more resident than the heap held: pages are
/// rendered and compressed (brotli allocates megabytes per call) on many threads, each thread
/// may get its own arena, and after large blocks are freed the threshold for giving memory
/// straight back to the system rises to 32 MB. At 10,000 conditions, after every page was
/// requested and compressed, that was 422 MB resident against 302 MB with one arena per core
/// and a fixed 128 KiB threshold (docs/BENCHMARKS.md). Set before any thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn tune_allocator() {
    let arenas = std::thread::available_parallelism().map_or(2, |n| n.get());
    let arenas = libc::c_int::try_from(arenas).unwrap_or(2);
    // SAFETY: `mallopt` only sets allocator parameters; it is called before any other thread
    // exists, with parameters and values glibc documents. A refusal (0) leaves the defaults.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}
