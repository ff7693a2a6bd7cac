//! The `budgetnote` command; all logic lives in the library.

fn main() -> std::process::ExitCode {
    budgetnote::cli::main()
}
