//! Building and starting the site: the command line, the settings, the clock, the node's share of
//! open files, the shared state and the one function that builds it, start-up and shut-down, the
//! router that joins the rooms, and the removal of old voter ids.

pub mod cli;
pub mod clock;
pub mod config;
pub mod open_files;
pub mod router;
pub mod startup;
pub mod state;
pub mod voter_retention;
