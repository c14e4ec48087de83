//! Building and starting the site: the command line, the settings, the clock, the shared state and
//! the one function that builds it, start-up and shut-down, and the router that joins the rooms.

pub mod cli;
pub mod clock;
pub mod config;
pub mod router;
pub mod startup;
pub mod state;
