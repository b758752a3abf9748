//! The `pestle` binary: everything lives in the library; see `pestle --help`.

fn main() -> std::process::ExitCode {
    pestle::cli::run()
}
