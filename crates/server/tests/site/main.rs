//! Router-level tests of the whole site, gathered in one test binary: each separate file would link
//! its own copy of the server, which costs minutes of linking and gigabytes of disk on every build.

mod api;
mod bad_input;
mod common;
mod desk;
mod desk_list;
mod desk_polls;
mod french;
mod hostile_text;
mod live_results;
mod logs;
mod made_polls;
mod overload;
mod page_cache;
mod privacy;
mod render_load;
mod seen;
mod site_pages;
mod slow_clients;
mod standing_picture;
mod vote_routes;
