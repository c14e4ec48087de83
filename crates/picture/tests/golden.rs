//! The picture against a reference render, pixel by pixel: a change of layout, font, colours or
//! renderer shows up here. At most 1 % of the pixels may differ, and only those by more than
//! `DELTA` in a channel count (anti-aliasing may move by a shade between builds).
//!
//! After a change that is meant, look at the new picture and write it as the reference:
//! `STEMBUS_GOLDEN=write cargo nextest run -p stembus-picture --test golden`
//! (the reference is `tests/golden/standing-nl-BE.png`; a failing run writes what it rendered
//! beside it as `standing-nl-BE.actual.png`, to look at and delete).

use resvg::tiny_skia::Pixmap;
use std::path::PathBuf;
use stembus_messages::Messages;
use stembus_picture::{HEIGHT, WIDTH, render};
use stembus_poll::language::Language;

mod sample;
use sample::sample;

const DELTA: u8 = 24;
const MAX_DIFFERING: f64 = 0.01;

fn reference() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/standing-nl-BE.png")
}

/// The sample standing (`sample/mod.rs`), in Dutch.
fn picture() -> Vec<u8> {
    let words = Messages::load().unwrap().words(Language::Dutch);
    render(&sample().standing(), &words).unwrap()
}

#[test]
fn the_picture_matches_its_reference_render() {
    let fresh = picture();
    if std::env::var("STEMBUS_GOLDEN").as_deref() == Ok("write") {
        std::fs::write(reference(), &fresh).unwrap();
        return;
    }
    let expected = Pixmap::decode_png(&std::fs::read(reference()).unwrap()).unwrap();
    let actual = Pixmap::decode_png(&fresh).unwrap();
    assert_eq!((actual.width(), actual.height()), (WIDTH, HEIGHT));
    assert_eq!((expected.width(), expected.height()), (WIDTH, HEIGHT));
    let differing = expected
        .data()
        .chunks_exact(4)
        .zip(actual.data().chunks_exact(4))
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(a, b)| a.abs_diff(*b) > DELTA))
        .count();
    let share = differing as f64 / f64::from(WIDTH * HEIGHT);
    if share > MAX_DIFFERING {
        let actual_path = reference().with_file_name("standing-nl-BE.actual.png");
        std::fs::write(&actual_path, &fresh).unwrap();
        panic!(
            "{differing} pixels ({:.2} %) differ from {}; this render is in {}",
            share * 100.0,
            reference().display(),
            actual_path.display()
        );
    }
}
