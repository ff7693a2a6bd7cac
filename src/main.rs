//! The `budgetnote` command; all logic lives in the library.

fn main() -> std::process::ExitCode {
    // A reader that stops early (`budgetnote forms | head`) ends the process as it ends any
    // Unix tool, instead of making the next print panic on the closed pipe.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    budgetnote::cli::main()
}
