//! The stembus server, the one crate that knows every room: the command line, the node's share of
//! open files, the state assembled from each room's part, start-up and shut-down, the router that
//! joins the rooms, and the removal of old voter ids.

pub mod cli;
pub mod open_files;
pub mod router;
pub mod startup;
pub mod state;
pub mod voter_retention;
