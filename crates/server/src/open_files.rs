//! How many live-result streams and connections a node can hold: each is one socket, so the
//! process's limit on open files is what bounds them, not a figure picked once for every machine.
//!
//! At start-up the soft limit is raised to the hard one (the soft one is often 1,024 while the
//! system allows far more), and unless `live_streams_max` is set the node takes that limit minus
//! a reserve for everything else that needs a descriptor: the listener, page and vote connections,
//! the database, the content files. The connections of the site's address together (streams,
//! pages, votes) stop short of the limit by a smaller reserve, for the database's and content's
//! files, the desk's address and the runtime's own; the streams stop short of those connections,
//! so streams never take every connection and pages, votes and health checks still get one. The
//! `rlimit` crate wraps `getrlimit`/`setrlimit`.

/// What a node may hold, and where the figure came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamCapacity {
    /// The streams this node keeps open at once; beyond it a stream gets a 503.
    pub streams: u32,
    /// The process's limit on open files when the figure was taken (`None`: it could not be read).
    pub open_files: Option<u64>,
    /// Whether `streams` is the operator's `live_streams_max` rather than derived.
    pub configured: bool,
    /// The operator's `live_streams_max` when it was lowered to leave the site's connections
    /// room for other requests (`streams` is then the figure in force).
    pub lowered_from: Option<u32>,
}

/// Without a readable limit: the figure nodes used before it was derived.
const WITHOUT_LIMIT: u32 = 10_000;
/// Connections the desk's own address holds at once: editors and health checks, never many. Part
/// of the reserve `connections_within` keeps.
pub const DESK_CONNECTIONS: usize = 128;
const _: () = assert!(
    DESK_CONNECTIONS < 512,
    "the reserve holds the desk's connections"
);
/// The most `live_streams_max` accepts.
const MOST: u64 = 1_000_000;

/// Raises the soft limit on open files to the hard limit, and returns the limit now in force.
pub fn raise_open_file_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => Some(limit),
        Err(error) => {
            tracing::warn!(%error, "the limit on open files could not be raised");
            open_file_limit()
        }
    }
}

/// The soft limit on open files, which is the one the kernel enforces.
fn open_file_limit() -> Option<u64> {
    rlimit::getrlimit(rlimit::Resource::NOFILE)
        .ok()
        .map(|(soft, _)| soft)
}

/// The node's capacity: `configured` (the operator's `live_streams_max`) when set, else derived
/// from the process's present limit on open files.
pub fn stream_capacity(configured: Option<u32>) -> StreamCapacity {
    capacity_within(configured, open_file_limit())
}

/// `stream_capacity` at a limit of `open_files`. A configured figure is kept below the site's
/// connections as a derived one is: streams above it would take every connection, and pages,
/// votes and health checks would all get the busy page.
fn capacity_within(configured: Option<u32>, open_files: Option<u64>) -> StreamCapacity {
    let bound = open_files.map(streams_beside_other_requests);
    let streams = match configured {
        Some(configured) => bound.map_or(configured, |bound| configured.min(bound)),
        None => open_files.map_or(WITHOUT_LIMIT, streams_within),
    };
    StreamCapacity {
        streams,
        open_files,
        configured: configured.is_some(),
        lowered_from: configured.filter(|configured| *configured > streams),
    }
}

/// Connections of the site's address the streams leave to pages, votes and health checks: 256,
/// or half of the connections when there are fewer than 512.
const OTHER_REQUESTS: usize = 256;

/// The streams `open_files` descriptors allow: a twentieth of them (at least 256) stays for the
/// rest of the server, and at least `OTHER_REQUESTS` of the site's connections stay for other
/// requests. So 20,000 descriptors hold 19,000 streams, 4,096 hold 3,328 and 1,024 hold 256.
pub fn streams_within(open_files: u64) -> u32 {
    let reserve = (open_files / 20).max(256);
    let by_descriptors = open_files.saturating_sub(reserve).min(MOST) as usize;
    // Below a limit of 10,240 the twentieth leaves more streams than the site's address takes
    // connections: the streams would fill them all and every page would get the busy page.
    (by_descriptors as u32).min(streams_beside_other_requests(open_files))
}

/// The most streams the site's connections at `open_files` hold while leaving `OTHER_REQUESTS`
/// of them (below 512: half) to pages, votes and health checks.
fn streams_beside_other_requests(open_files: u64) -> u32 {
    let connections = connections_within(open_files);
    let room = connections.div_ceil(2).min(OTHER_REQUESTS);
    // At most `MOST`, the bound `live_streams_max` takes, so the cast cannot truncate.
    (connections - room) as u32
}

/// The connections the site's address may hold at once: the process's present limit on open
/// files less `connections_within`'s reserve.
pub fn connection_capacity() -> usize {
    open_file_limit().map_or(WITHOUT_LIMIT as usize, connections_within)
}

/// The connections `open_files` descriptors allow on the site's address: a fortieth of them (at
/// least 512, which holds the desk's address's connections and the database's and content's files)
/// stays for the rest, so 20,000 descriptors hold 19,488 connections and 1,024 hold 512.
pub fn connections_within(open_files: u64) -> usize {
    let reserve = (open_files / 40).max(512);
    open_files.saturating_sub(reserve).min(MOST) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connections_leave_a_fortieth_of_the_descriptors_but_at_least_512() {
        assert_eq!(connections_within(20_000), 19_488);
        assert_eq!(connections_within(1_024), 512);
        assert_eq!(connections_within(100), 0);
        assert!(connections_within(20_000) > streams_within(20_000) as usize);
    }

    #[test]
    fn a_configured_figure_above_the_connections_is_lowered_to_leave_room_for_other_requests() {
        // 20,000 descriptors: 19,488 connections, 256 of them for pages, votes and health.
        let lowered = capacity_within(Some(1_000_000), Some(20_000));
        assert_eq!(lowered.streams, 19_232);
        assert_eq!(lowered.lowered_from, Some(1_000_000));
        assert!(lowered.configured);
        let kept = capacity_within(Some(5_000), Some(20_000));
        assert_eq!((kept.streams, kept.lowered_from), (5_000, None));
        // An unknown limit leaves the operator's figure as it is.
        assert_eq!(capacity_within(Some(30_000), None).streams, 30_000);
        assert_eq!(capacity_within(None, Some(20_000)).streams, 19_000);
    }

    #[test]
    fn the_streams_leave_a_twentieth_of_the_descriptors_to_the_rest() {
        assert_eq!(streams_within(20_000), 19_000);
        assert_eq!(streams_within(1_048_576), 996_148);
        assert_eq!(streams_within(100), 0, "too few to spare any");
        assert_eq!(streams_within(u64::MAX), 1_000_000 - 256);
    }

    #[test]
    fn the_streams_leave_connections_for_other_requests_at_every_limit() {
        let quoted = [
            (1_024, 256),
            (4_096, 3_328),
            (10_240, 9_472),
            (20_000, 19_000),
            (1_048_576, 996_148),
        ];
        for (open_files, streams) in quoted {
            assert_eq!(streams_within(open_files), streams, "at {open_files}");
        }
        let limits = (0..=40_000)
            .step_by(16)
            .chain([1_048_576, 4_194_304, 1 << 40, u64::MAX]);
        for open_files in limits {
            let streams = streams_within(open_files) as usize;
            let connections = connections_within(open_files);
            let others = connections.saturating_sub(streams);
            assert!(
                others >= connections.div_ceil(2).min(256),
                "at {open_files}: {streams} streams leave {others} of {connections} connections"
            );
        }
    }

    #[test]
    fn a_configured_maximum_wins_over_the_derived_one() {
        let configured = stream_capacity(Some(50));
        assert_eq!(configured.streams, 50);
        assert!(configured.configured);
        let derived = stream_capacity(None);
        assert!(!derived.configured);
        let open_files = derived.open_files.expect("Linux reports the limit");
        assert_eq!(derived.streams, streams_within(open_files));
    }
}
