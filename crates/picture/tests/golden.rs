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
use stembus_picture::{HEIGHT, Standing, WIDTH, render};
use stembus_poll::language::Language;
use stembus_poll::{PollDefinition, PollOption, PollResults, ResultsVisibility};

const DELTA: u8 = 24;
const MAX_DIFFERING: f64 = 0.01;

fn reference() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/standing-nl-BE.png")
}

/// The shipped DeepSeek poll with 1,234 voters, on 6 December 2026 at 14.05 in Brussels.
fn picture() -> Vec<u8> {
    let poll = PollDefinition {
        id: "deepseek-schade-nvidia".into(),
        question: "Brengt DeepSeek blijvende schade toe aan Nvidia?".into(),
        options: [("ja", "Ja"), ("nee", "Nee"), ("weet-niet", "Weet ik niet")]
            .iter()
            .map(|(key, label)| PollOption {
                key: key.to_string(),
                label: label.to_string(),
            })
            .collect(),
        opens: None,
        closes: None,
        max_choices: 1,
        allow_change: false,
        show_results: ResultsVisibility::Always,
        french: None,
    };
    let counts: Vec<(String, u64)> = [("ja", 716), ("nee", 371), ("weet-niet", 147)]
        .iter()
        .map(|(key, n)| (key.to_string(), *n))
        .collect();
    let results = PollResults::from_counts(&poll, &counts, 1234);
    let words = Messages::load().unwrap().words(Language::Dutch);
    let standing = Standing {
        poll: &poll,
        results: Some(&results),
        at: 1_796_562_300,
    };
    render(&standing, &words).unwrap()
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
