//! The `open-loop` command: reads the command line, runs the generator on a runtime of one thread
//! (or `--threads`), prints the figures and sets the exit status (the crate's header says which).

use std::process::ExitCode;
use stembus_loadgen::{cli, run};

fn main() -> ExitCode {
    let options = match cli::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(problem) => {
            eprintln!("open-loop: {problem}\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    // One thread by default: the generator gets one core and the server the other, and a single
    // thread needs no locks to be contended.
    let runtime = if options.threads == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(options.threads)
            .enable_all()
            .build()
    }
    .expect("a tokio runtime");
    let report = match runtime.block_on(run(&options)) {
        Ok(report) => report,
        Err(problem) => {
            eprintln!("open-loop: {problem}");
            return ExitCode::from(2);
        }
    };
    println!("{}", report.to_json());
    let problems = report.problems();
    for problem in &problems {
        eprintln!("open-loop: the counts do not add up: {problem}");
    }
    if !problems.is_empty() {
        return ExitCode::from(1);
    }
    for load in report.loads.iter().filter(|load| !load.kept_up()) {
        eprintln!(
            "open-loop: the generator could not keep up: {} of {} requests of {} never sent; \
             this run does not count",
            load.never_sent, load.planned, load.name
        );
    }
    if !report.generator_kept_up() {
        return ExitCode::from(3);
    }
    ExitCode::SUCCESS
}
