//! The command line, read by hand as the benches' generators do: what to ask, how often, of which
//! server, and for how long.

use std::net::SocketAddr;
use std::time::Duration;

/// One run's settings.
#[derive(Debug, Clone)]
pub struct Options {
    pub server: SocketAddr,
    /// How long requests are planned for.
    pub seconds: f64,
    /// A request's deadline, counted from its planned send time.
    pub timeout: Duration,
    /// New connections come from 127.0.0.1 to 127.0.0.`sources`.
    pub sources: u8,
    /// The server's metrics page, read before and after the run.
    pub metrics: Option<String>,
    /// Connections open at once; a request that would need one more is never sent.
    pub max_connections: usize,
    /// The runtime's worker threads (1: a current-thread runtime).
    pub threads: usize,
    pub loads: Vec<LoadSpec>,
    pub probes: Vec<ProbeSpec>,
    /// Where the probes ask, when not `server`: a node's own address for its desk and health
    /// (`desk_listen_address`), as a load balancer asks each node rather than the proxy.
    pub probe_server: Option<SocketAddr>,
}

/// One address asked open-loop: `rate` requests a second, evenly spaced.
#[derive(Debug, Clone)]
pub struct LoadSpec {
    pub name: String,
    pub rate: f64,
    pub method: String,
    pub path: String,
    /// A form body (`application/x-www-form-urlencoded`), as the poll's vote sends it.
    pub body: Option<String>,
}

/// One address asked every `interval` on a connection of its own, to see it stays fast under load.
#[derive(Debug, Clone)]
pub struct ProbeSpec {
    pub name: String,
    pub interval: Duration,
    pub path: String,
}

pub const USAGE: &str = "usage: open-loop --server 127.0.0.1:PORT --seconds S [--timeout-ms 2000] \
[--sources 4] [--metrics /metrics] [--max-connections 20000] [--threads 1] \
--load NAME,RATE,METHOD,PATH[,BODY] [--load ...] [--probe NAME,INTERVAL_MS,PATH ...] \
[--probe-server 127.0.0.1:PORT]";

impl Options {
    /// The defaults, for `server`, with nothing to ask yet.
    pub fn new(server: SocketAddr, seconds: f64) -> Options {
        Options {
            server,
            seconds,
            timeout: Duration::from_millis(2_000),
            sources: 4,
            metrics: None,
            max_connections: 20_000,
            threads: 1,
            loads: Vec::new(),
            probes: Vec::new(),
            probe_server: None,
        }
    }
}

impl LoadSpec {
    /// The request's bytes, built once and written as they are for every request of the load.
    pub fn request(&self, server: SocketAddr) -> Vec<u8> {
        let head = format!(
            "{} {} HTTP/1.1\r\nHost: {server}\r\n",
            self.method, self.path
        );
        let text = match (&self.body, self.method.as_str()) {
            (None, "GET" | "HEAD") => {
                format!("{head}Accept: text/html\r\nConnection: keep-alive\r\n\r\n")
            }
            (body, _) => {
                let body = body.as_deref().unwrap_or("");
                format!(
                    "{head}Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n\
                     Content-Length: {}\r\nConnection: keep-alive\r\n\r\n{body}",
                    body.len()
                )
            }
        };
        text.into_bytes()
    }
}

impl ProbeSpec {
    pub fn request(&self, server: SocketAddr) -> Vec<u8> {
        LoadSpec {
            name: self.name.clone(),
            rate: 0.0,
            method: "GET".into(),
            path: self.path.clone(),
            body: None,
        }
        .request(server)
    }
}

/// Reads the command line (without the program's name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut args = args.into_iter();
    let mut server = None;
    let mut seconds = None;
    let mut options = Options::new(SocketAddr::from(([127, 0, 0, 1], 3000)), 0.0);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = || format!("{flag}: cannot read {value:?}");
        match flag.as_str() {
            "--server" => server = Some(value.parse().map_err(|_| bad())?),
            "--seconds" => seconds = Some(value.parse::<f64>().map_err(|_| bad())?),
            "--timeout-ms" => {
                options.timeout = Duration::from_millis(value.parse().map_err(|_| bad())?)
            }
            "--sources" => options.sources = value.parse().map_err(|_| bad())?,
            "--metrics" => options.metrics = Some(value),
            "--max-connections" => options.max_connections = value.parse().map_err(|_| bad())?,
            "--threads" => options.threads = value.parse().map_err(|_| bad())?,
            "--load" => options.loads.push(load(&value)?),
            "--probe" => options.probes.push(probe(&value)?),
            "--probe-server" => options.probe_server = Some(value.parse().map_err(|_| bad())?),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    options.server = server.ok_or("--server is required")?;
    options.seconds = seconds.ok_or("--seconds is required")?;
    if !(options.seconds > 0.0 && options.seconds.is_finite()) {
        return Err("--seconds must be above 0".into());
    }
    if options.timeout.is_zero() {
        return Err("--timeout-ms must be above 0".into());
    }
    if options.sources == 0 || options.sources > 250 {
        return Err("--sources must be from 1 to 250".into());
    }
    if options.max_connections == 0 || options.threads == 0 {
        return Err("--max-connections and --threads must be above 0".into());
    }
    if options.loads.is_empty() {
        return Err("at least one --load is required".into());
    }
    if options.probe_server.is_some() && options.probes.is_empty() {
        return Err("--probe-server without a --probe".into());
    }
    if let Some(path) = &options.metrics
        && !path.starts_with('/')
    {
        return Err("--metrics: a path, starting with /".into());
    }
    let names: Vec<&str> = options
        .loads
        .iter()
        .map(|load| load.name.as_str())
        .chain(options.probes.iter().map(|probe| probe.name.as_str()))
        .collect();
    for (index, name) in names.iter().enumerate() {
        if names[..index].contains(name) {
            return Err(format!("the name {name} is given twice"));
        }
    }
    Ok(options)
}

/// `NAME,RATE,METHOD,PATH[,BODY]`; the body is the rest of the text, commas and all.
fn load(text: &str) -> Result<LoadSpec, String> {
    let mut parts = text.splitn(5, ',');
    let mut next = || parts.next().filter(|part| !part.is_empty());
    let bad = || format!("--load {text:?}: expected NAME,RATE,METHOD,PATH[,BODY]");
    let name = next().ok_or_else(bad)?.to_string();
    let rate: f64 = next().and_then(|rate| rate.parse().ok()).ok_or_else(bad)?;
    let method = next().ok_or_else(bad)?.to_string();
    let path = next().ok_or_else(bad)?.to_string();
    let body = next().map(str::to_string);
    if !(rate > 0.0 && rate.is_finite()) {
        return Err(format!("--load {name}: the rate must be above 0"));
    }
    if !method.bytes().all(|byte| byte.is_ascii_uppercase()) {
        return Err(format!(
            "--load {name}: the method is a word in capitals, like GET"
        ));
    }
    check_path(&path, &name)?;
    Ok(LoadSpec {
        name,
        rate,
        method,
        path,
        body,
    })
}

/// `NAME,INTERVAL_MS,PATH`.
fn probe(text: &str) -> Result<ProbeSpec, String> {
    let bad = || format!("--probe {text:?}: expected NAME,INTERVAL_MS,PATH");
    let mut parts = text.splitn(3, ',');
    let name = parts
        .next()
        .filter(|name| !name.is_empty())
        .ok_or_else(bad)?;
    let interval: u64 = parts
        .next()
        .and_then(|ms| ms.parse().ok())
        .filter(|&ms| ms > 0)
        .ok_or_else(bad)?;
    let path = parts.next().ok_or_else(bad)?;
    check_path(path, name)?;
    Ok(ProbeSpec {
        name: name.to_string(),
        interval: Duration::from_millis(interval),
        path: path.to_string(),
    })
}

fn check_path(path: &str, name: &str) -> Result<(), String> {
    if !path.starts_with('/') || path.bytes().any(|byte| byte.is_ascii_whitespace()) {
        return Err(format!(
            "{name}: the path starts with / and holds no spaces"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn loads_and_probes_are_read_with_their_bodies_whole() {
        let options = parse(args(
            "--server 127.0.0.1:3000 --seconds 60 --load pages,20000,GET,/artikel/x \
             --load votes,500,POST,/api/stem,poll=p&choice=ja,nee --probe health,100,/healthz",
        ))
        .expect("valid");

        assert_eq!(options.loads.len(), 2);
        assert_eq!(options.loads[0].rate, 20_000.0);
        assert_eq!(
            options.loads[1].body.as_deref(),
            Some("poll=p&choice=ja,nee")
        );
        assert_eq!(options.probes[0].interval, Duration::from_millis(100));
        assert_eq!(options.timeout, Duration::from_millis(2_000));
        assert_eq!(options.probe_server, None);
    }

    #[test]
    fn probes_may_ask_an_address_of_their_own() {
        let options = parse(args(
            "--server 127.0.0.1:3000 --seconds 5 --load a,1,GET,/ --probe health,100,/healthz \
             --probe-server 127.0.0.1:3100",
        ))
        .expect("valid");
        assert_eq!(
            options.probe_server,
            Some("127.0.0.1:3100".parse().unwrap())
        );
        assert!(
            parse(args(
                "--server 127.0.0.1:3000 --seconds 5 --load a,1,GET,/ --probe-server 127.0.0.1:3100"
            ))
            .is_err(),
            "nothing to probe"
        );
    }

    #[test]
    fn a_run_without_a_load_is_refused() {
        assert!(parse(args("--server 127.0.0.1:3000 --seconds 5")).is_err());
    }

    #[test]
    fn a_name_given_twice_is_refused() {
        let outcome = parse(args(
            "--server 127.0.0.1:3000 --seconds 5 --load a,1,GET,/ --probe a,100,/healthz",
        ));

        assert!(outcome.is_err());
    }

    #[test]
    fn form_posts_say_what_they_send_and_want() {
        let load = load("votes,10,POST,/api/stem,poll=p").expect("valid");

        let request = String::from_utf8(load.request("127.0.0.1:3000".parse().unwrap())).unwrap();

        assert_eq!(
            request,
            "POST /api/stem HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n\
             Content-Length: 6\r\nConnection: keep-alive\r\n\r\npoll=p"
        );
    }

    #[test]
    fn page_gets_ask_for_html_on_a_kept_connection() {
        let load = load("pages,10,GET,/").expect("valid");

        let request = String::from_utf8(load.request("127.0.0.1:3000".parse().unwrap())).unwrap();

        assert_eq!(
            request,
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nAccept: text/html\r\nConnection: keep-alive\r\n\r\n"
        );
    }
}
