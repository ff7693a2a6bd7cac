//! The document pipeline's machinery, as a library: worker threads that build many documents in
//! parallel, each with its panics caught (a panic costs only that document), and the bounds on
//! typst's memory over a long batch. `render` and `check` run their documents through it.

pub mod batch;
pub mod check;
pub mod collected;
pub mod folder;
pub mod outputs;
pub mod pages;
pub mod plan;
pub mod reads;
pub mod render;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::error::AppError;

/// Documents built between two clears of typst's memo cache (bounds memory in long batches).
pub const EVICT_EVERY: usize = 16;

/// Stack of each worker thread: typst's layout recurses deeply on long documents (an annex of
/// hundreds of proposals), more than a default 2 MiB thread stack is sure to hold.
const STACK_SIZE: usize = 64 * 1024 * 1024;

/// Runs `work` for every index of `order` on one worker thread per core (at most one per item),
/// in that order, clearing typst's memo cache every [`EVICT_EVERY`] documents; returns the
/// results by index (`0..count`). `name` names the threads.
///
/// Workers are plain threads, not rayon tasks: typst parallelises inside a document on rayon's
/// global pool, and a rayon worker waiting there would steal further documents onto its stack,
/// so that memory would grow with the number of files instead of the number of cores.
pub fn parallel<R, F>(
    name: &str,
    count: usize,
    order: &[usize],
    work: F,
) -> Result<Vec<R>, AppError>
where
    R: Send,
    F: Fn(usize) -> R + Sync,
{
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(count.max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = (0..count).map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for n in 0..workers {
            let worker = || {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = work(i);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(result);
                    }
                    if (done.fetch_add(1, Ordering::Relaxed) + 1).is_multiple_of(EVICT_EVERY) {
                        typst::comemo::evict(1);
                    }
                }
            };
            let handle = std::thread::Builder::new()
                .name(format!("{name}-{n}"))
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, worker)
                .map_err(|e| AppError(format!("cannot start {name} threads: {e}")))?;
            handles.push(handle);
        }
        for handle in handles {
            handle
                .join()
                .map_err(|_| AppError(format!("a {name} thread stopped unexpectedly")))?;
        }
        Ok::<(), AppError>(())
    })?;
    slots
        .into_iter()
        .enumerate()
        .map(|(i, slot)| {
            slot.into_inner()
                .ok()
                .flatten()
                .ok_or_else(|| AppError(format!("document {} of {count} was not built", i + 1)))
        })
        .collect()
}

/// Runs `work` with its panic caught: `Err` holds the panic's message and where it happened.
/// Call it inside [`QuietPanics`], so that the panic prints nothing of its own.
pub fn isolated<R>(work: impl FnOnce() -> R) -> Result<R, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
        .map_err(|payload| panic_message(payload.as_ref()))
}

/// The message a panic was raised with, and where, if the panic hook saw it.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned());
    match LAST_PANIC.with(|last| last.borrow_mut().take()) {
        Some(location) => format!("{text} (at {location})"),
        None => text,
    }
}

thread_local! {
    /// Where the last panic on this thread happened, as seen by the quiet hook.
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Whether panics are being caught per document (the hook then prints nothing).
static QUIET: AtomicBool = AtomicBool::new(false);

/// While alive, panics print nothing (each is reported as one line with its document); the hook
/// is installed once and otherwise defers to the default one.
pub struct QuietPanics;

impl QuietPanics {
    /// Silences panic messages until dropped.
    pub fn start() -> Self {
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(|| {
            let default = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if QUIET.load(Ordering::SeqCst) {
                    let location = info.location().map(|l| l.to_string());
                    LAST_PANIC.with(|last| *last.borrow_mut() = location);
                } else {
                    default(info);
                }
            }));
        });
        QUIET.store(true, Ordering::SeqCst);
        Self
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        QUIET.store(false, Ordering::SeqCst);
    }
}

/// Test hook, compiled into debug builds only: `BUDGETNOTE_TEST_PANIC=<file stem>[,<stem>…]`
/// makes the build of those files panic inside their per-document work, so the tests can check
/// that a panic costs only that document. Release builds ignore the variable.
pub fn test_panic(path: &std::path::Path) {
    if cfg!(debug_assertions)
        && let Ok(stems) = std::env::var("BUDGETNOTE_TEST_PANIC")
        && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        && stems.split(',').any(|s| s == stem)
    {
        panic!("BUDGETNOTE_TEST_PANIC asked for a panic");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every item is worked on once, results come back by index whatever the order, and a panic
    // in one item is caught there with its message while the others finish.
    #[test]
    fn workers_return_every_result_and_isolate_panics() {
        let _quiet = QuietPanics::start();
        let results = parallel("test", 5, &[4, 3, 2, 1, 0], |i| {
            isolated(|| {
                if i == 2 {
                    panic!("item two");
                }
                i * 10
            })
        })
        .unwrap();
        assert_eq!(results[0], Ok(0));
        assert_eq!(results[4], Ok(40));
        assert!(results[2].as_ref().is_err_and(|m| m.contains("item two")));
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 4);
    }
}
