//! Clients that hold a connection or a request open without finishing it: the node closes them in
//! time and keeps its places (the connection bound, the desk's budget) for everyone else.
