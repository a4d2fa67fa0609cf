//! Signed requests through the emulator: in-process (pipeline only) and through the full HTTP
//! stack on loopback over keep-alive connections (target: 20,000 signed Describe requests per
//! second on 2 cores). Also prints the resident memory of 100,000 load balancers with a listener
//! each (target: under 500 MB).
//!
//! Every request is freshly signed (HMAC-SHA1 v1, its own nonce and timestamp) by the load
//! generator, which runs in this process: `LBCONFORM_BENCH_CONNECTIONS` keep-alive connections
//! (default 8), each driven by its own thread with a few lines over `TcpStream` rather than a
//! client crate: the point is to measure the server, and a minimal keep-alive client costs the
//! shared 2 cores the least. Throughput is reported in requests (elements) per second.
//!
//! The Describe mix cycles DescribeLoadBalancers (20 load balancers), DescribeLoadBalancerAttribute,
//! DescribeLoadBalancerTCPListenerAttribute and DescribeHealthStatus; the Create/Delete mix is a
//! CreateLoadBalancer followed by the DeleteLoadBalancer of the id it answered.
//!
//! The memory figure is measured first, in a fresh emulator, so earlier benchmarks' nonces and
//! allocations do not count; `LBCONFORM_BENCH_SKIP_MEMORY=1` skips it (for profiling).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lbconform::emulator::{pipeline, server, Config, Emulator};
use lbconform::wire::{aliyun_v1, encode, HttpRequest};

static NONCE: AtomicU64 = AtomicU64::new(1);

fn emulator() -> Arc<Emulator> {
    let spec = Arc::new(lbconform::spec::load_default().unwrap());
    Arc::new(Emulator::new(spec, Config::default()))
}

/// A freshly signed SLB query (each needs its own nonce).
fn signed_query(action: &str, extra: &[(&str, &str)]) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let nonce = NONCE.fetch_add(1, Ordering::Relaxed).to_string();
    let ts = aliyun_v1::format_iso8601(now);
    let base = [
        ("Action", action),
        ("Format", "JSON"),
        ("Version", "2014-05-15"),
        ("AccessKeyId", "testid"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", nonce.as_str()),
        ("Timestamp", ts.as_str()),
        ("RegionId", "cn-hangzhou"),
    ];
    let mut p: Vec<(String, String)> = base
        .iter()
        .chain(extra)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    p.push(("Signature".into(), aliyun_v1::sign("GET", &p, "testsecret")));
    encode::encode_pairs(p.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn in_process_body(em: &Emulator, action: &str, extra: &[(&str, &str)]) -> (u16, Vec<u8>) {
    let req = HttpRequest {
        method: "GET".into(),
        host: "slb.aliyuncs.com".into(),
        path: "/".into(),
        query: signed_query(action, extra),
        ..Default::default()
    };
    let out = pipeline::handle(em, &req);
    (out.status, out.body)
}

fn in_process(em: &Emulator, action: &str, extra: &[(&str, &str)]) -> u16 {
    in_process_body(em, action, extra).0
}

/// The `LoadBalancerId` of an answer body.
fn lb_id_of(body: &[u8]) -> String {
    let body: serde_json::Value = serde_json::from_slice(body).unwrap();
    body["LoadBalancerId"].as_str().unwrap().to_string()
}

/// The requests of the Describe mix, for load balancer `lb` (which has a TCP listener on 80).
fn describe_mix(i: u64, lb: &str) -> String {
    match i % 4 {
        0 => signed_query("DescribeLoadBalancers", &[]),
        1 => signed_query("DescribeLoadBalancerAttribute", &[("LoadBalancerId", lb)]),
        2 => signed_query(
            "DescribeLoadBalancerTCPListenerAttribute",
            &[("LoadBalancerId", lb), ("ListenerPort", "80")],
        ),
        _ => signed_query("DescribeHealthStatus", &[("LoadBalancerId", lb)]),
    }
}

/// One keep-alive connection: writes a request, reads one response.
struct Conn {
    w: TcpStream,
    r: BufReader<TcpStream>,
    host: String,
    line: String,
    body: Vec<u8>,
}

impl Conn {
    fn new(addr: SocketAddr) -> Conn {
        let w = TcpStream::connect(addr).unwrap();
        w.set_nodelay(true).unwrap();
        Conn {
            r: BufReader::new(w.try_clone().unwrap()),
            w,
            host: addr.to_string(),
            line: String::new(),
            body: Vec::new(),
        }
    }

    /// Sends one GET and reads its whole answer; the status, the body in `self.body`.
    fn get(&mut self, query: &str) -> u16 {
        write!(
            self.w,
            "GET /?{query} HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.host
        )
        .unwrap();
        self.line.clear();
        self.r.read_line(&mut self.line).unwrap();
        let status: u16 = self
            .line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut len = None;
        loop {
            self.line.clear();
            self.r.read_line(&mut self.line).unwrap();
            if self.line == "\r\n" {
                break;
            }
            let (k, v) = self.line.split_once(':').unwrap();
            if k.eq_ignore_ascii_case("content-length") {
                len = Some(v.trim().parse().unwrap());
            }
            assert!(!k.eq_ignore_ascii_case("connection") || !v.contains("close"));
        }
        self.body.resize(len.expect("a content-length"), 0);
        self.r.read_exact(&mut self.body).unwrap();
        status
    }
}

/// What one connection does for its `i`-th iteration.
type Work = Arc<dyn Fn(&mut Conn, u64) + Send + Sync>;

fn connections() -> usize {
    std::env::var("LBCONFORM_BENCH_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8)
}

/// Runs `iters` requests spread over the pool's connections, each on its own thread; returns the
/// wall time scaled to `iters`.
fn over_http(pool: &Arc<Mutex<Vec<Conn>>>, iters: u64, work: Work) -> Duration {
    let conns: Vec<Conn> = std::mem::take(&mut *pool.lock().unwrap());
    let n = conns.len() as u64;
    let per = iters.div_ceil(n);
    let start = Instant::now();
    let threads: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(t, mut c)| {
            let work = work.clone();
            std::thread::spawn(move || {
                for i in 0..per {
                    work(&mut c, i * n + t as u64);
                }
                c
            })
        })
        .collect();
    let back: Vec<Conn> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let elapsed = start.elapsed();
    *pool.lock().unwrap() = back;
    // The wall time of n * per requests, scaled to the iterations criterion asked for.
    elapsed.mul_f64(iters as f64 / (per * n) as f64)
}

fn bench(c: &mut Criterion) {
    // Skippable so a profiler can look at the request path alone.
    if std::env::var_os("LBCONFORM_BENCH_SKIP_MEMORY").is_none() {
        memory_of_100k();
    }
    let em = emulator();
    let mut lbs = Vec::new();
    for _ in 0..20 {
        let (status, body) = in_process_body(&em, "CreateLoadBalancer", &[]);
        assert_eq!(status, 200);
        let id = lb_id_of(&body);
        let listener = [
            ("LoadBalancerId", id.as_str()),
            ("ListenerPort", "80"),
            ("BackendServerPort", "80"),
            ("Bandwidth", "-1"),
        ];
        assert_eq!(
            in_process(&em, "CreateLoadBalancerTCPListener", &listener),
            200
        );
        let backends = r#"[{"ServerId":"i-bench1","Weight":100},{"ServerId":"i-bench2"}]"#;
        assert_eq!(
            in_process(
                &em,
                "AddBackendServers",
                &[("LoadBalancerId", &id), ("BackendServers", backends)]
            ),
            200
        );
        lbs.push(id);
    }
    let lbs: Arc<Vec<String>> = Arc::new(lbs);

    let mut g = c.benchmark_group("emulator");
    g.throughput(Throughput::Elements(1));
    let mut i = 0u64;
    g.bench_function("in_process/describe_mix", |b| {
        b.iter(|| {
            i += 1;
            let req = HttpRequest {
                method: "GET".into(),
                host: "slb.aliyuncs.com".into(),
                path: "/".into(),
                query: describe_mix(i, &lbs[i as usize % lbs.len()]),
                ..Default::default()
            };
            assert_eq!(pipeline::handle(&em, &req).status, 200)
        })
    });
    g.bench_function("in_process/describe_load_balancers", |b| {
        b.iter(|| assert_eq!(in_process(&em, "DescribeLoadBalancers", &[]), 200))
    });
    g.throughput(Throughput::Elements(2));
    g.bench_function("in_process/create_delete", |b| {
        b.iter(|| {
            let (status, body) = in_process_body(&em, "CreateLoadBalancer", &[]);
            assert_eq!(status, 200);
            let id = lb_id_of(&body);
            assert_eq!(
                in_process(&em, "DeleteLoadBalancer", &[("LoadBalancerId", &id)]),
                200
            );
        })
    });

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let addr = rt.block_on(server::spawn(em.clone())).unwrap();
    let n = connections();
    let pool = Arc::new(Mutex::new((0..n).map(|_| Conn::new(addr)).collect()));
    g.throughput(Throughput::Elements(1));
    let lbs2 = lbs.clone();
    g.bench_function(format!("http/describe_mix_{n}_connections"), |b| {
        b.iter_custom(|iters| {
            let lbs = lbs2.clone();
            let work = Arc::new(move |c: &mut Conn, i: u64| {
                let q = describe_mix(i, &lbs[i as usize % lbs.len()]);
                assert_eq!(c.get(&q), 200);
            });
            over_http(&pool, iters, work)
        })
    });
    g.throughput(Throughput::Elements(2));
    g.bench_function(format!("http/create_delete_{n}_connections"), |b| {
        b.iter_custom(|iters| {
            let work = Arc::new(|c: &mut Conn, _: u64| {
                assert_eq!(c.get(&signed_query("CreateLoadBalancer", &[])), 200);
                let id = lb_id_of(&c.body);
                let q = signed_query("DeleteLoadBalancer", &[("LoadBalancerId", &id)]);
                assert_eq!(c.get(&q), 200);
            });
            over_http(&pool, iters, work)
        })
    });
    g.finish();
}

/// (resident, peak resident) in MB, from /proc/self/status.
fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| -> f64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    (kb("VmRSS:") * 1024.0 / 1e6, kb("VmHWM:") * 1024.0 / 1e6)
}

/// 100,000 load balancers with one TCP listener each, created through the pipeline in a fresh
/// emulator (the nonces of the 200,000 signed requests are part of what it holds).
fn memory_of_100k() {
    let em = emulator();
    let (before, _) = rss_mb();
    let t = Instant::now();
    for i in 0..100_000u32 {
        let (status, body) = in_process_body(&em, "CreateLoadBalancer", &[]);
        assert_eq!(status, 200);
        let id = lb_id_of(&body);
        let port = (1 + i % 60000).to_string();
        let s = in_process(
            &em,
            "CreateLoadBalancerTCPListener",
            &[
                ("LoadBalancerId", &id),
                ("ListenerPort", &port),
                ("BackendServerPort", "80"),
                ("Bandwidth", "-1"),
            ],
        );
        assert_eq!(s, 200);
    }
    let built = t.elapsed();
    let (after, peak) = rss_mb();
    println!("memory: 100,000 load balancers with a listener each: {after:.0} MB resident, peak {peak:.0} MB ({before:.0} MB before: the process with the spec loaded), built in {built:.1?}");
    drop(em);
}

criterion_group!(benches, bench);
criterion_main!(benches);
