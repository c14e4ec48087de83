//! One render of a sample standing, timed, for bench/standing_picture.sh: the first render (which
//! parses the fonts), the median of the next ones, the PNG's size and the process's peak memory.
//!
//! `cargo run --release -p stembus-picture --example render_once -- [OUT.png] [RENDERS]`

use std::time::Instant;
use stembus_messages::Messages;
use stembus_picture::render;
use stembus_poll::language::Language;

#[path = "../tests/sample/mod.rs"]
mod sample;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next();
    let renders: usize = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50)
        .max(1);
    let sample = sample::sample();
    let standing = sample.standing();
    let words = Messages::load()
        .expect("the messages parse")
        .words(Language::Dutch);

    let started = Instant::now();
    let png = render(&standing, &words).expect("a render");
    let first = started.elapsed();
    let mut times = Vec::with_capacity(renders);
    for _ in 0..renders {
        let started = Instant::now();
        let again = render(&standing, &words).expect("a render");
        times.push(started.elapsed());
        assert_eq!(again, png, "the same standing, the same bytes");
    }
    times.sort_unstable();
    let median = times[times.len() / 2];
    let slowest = times[times.len() - 1];
    if let Some(out) = out {
        std::fs::write(&out, &png).expect("the picture is written");
    }
    println!(
        "render: first {:.1} ms (fonts parsed), then median {:.1} ms, slowest {:.1} ms over {renders}; PNG {:.1} KB; peak memory (VmHWM) {}",
        first.as_secs_f64() * 1000.0,
        median.as_secs_f64() * 1000.0,
        slowest.as_secs_f64() * 1000.0,
        png.len() as f64 / 1024.0,
        peak_memory().unwrap_or_else(|| "unknown".to_string()),
    );
}

/// The process's peak resident memory, as Linux reports it.
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:.1} MB", kb / 1024.0))
}
