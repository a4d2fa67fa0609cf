//! Signed requests through the emulator: in-process (pipeline only) and through the full HTTP
//! stack on loopback over keep-alive connections (target: 20,000 signed Describe requests per
//! second on 2 cores). Also prints the resident memory of 100,000 load balancers with a listener
//! each (target: under 500 MB).
//!
//! The HTTP client is a few lines over `TcpStream` rather than a client crate: the point is to
//! measure the server, and a minimal keep-alive client costs the shared 2 cores the least.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

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

fn in_process(em: &Emulator, action: &str, extra: &[(&str, &str)]) -> u16 {
    let req = HttpRequest {
        method: "GET".into(),
        host: "slb.aliyuncs.com".into(),
        path: "/".into(),
        query: signed_query(action, extra),
        ..Default::default()
    };
    pipeline::handle(em, &req).status
}

/// One keep-alive connection: writes a request, reads one response.
struct Conn {
    w: TcpStream,
    r: BufReader<TcpStream>,
    host: String,
}

impl Conn {
    fn new(addr: SocketAddr) -> Conn {
        let w = TcpStream::connect(addr).unwrap();
        w.set_nodelay(true).unwrap();
        Conn {
            r: BufReader::new(w.try_clone().unwrap()),
            w,
            host: addr.to_string(),
        }
    }

    fn get(&mut self, query: &str) -> u16 {
        write!(
            self.w,
            "GET /?{query} HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.host
        )
        .unwrap();
        let mut line = String::new();
        self.r.read_line(&mut line).unwrap();
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut len = 0;
        loop {
            line.clear();
            self.r.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        self.r.read_exact(&mut body).unwrap();
        status
    }
}

fn bench(c: &mut Criterion) {
    let em = emulator();
    for _ in 0..20 {
        in_process(&em, "CreateLoadBalancer", &[]);
    }
    let mut g = c.benchmark_group("emulator");
    g.throughput(Throughput::Elements(1));
    g.bench_function("in_process/describe", |b| {
        b.iter(|| assert_eq!(in_process(&em, "DescribeLoadBalancers", &[]), 200))
    });
    g.bench_function("in_process/create_delete", |b| {
        b.iter(|| {
            let req = HttpRequest {
                method: "GET".into(),
                host: "h".into(),
                path: "/".into(),
                query: signed_query("CreateLoadBalancer", &[]),
                ..Default::default()
            };
            let out = pipeline::handle(&em, &req);
            let body: serde_json::Value = serde_json::from_slice(&out.body).unwrap();
            let id = body["LoadBalancerId"].as_str().unwrap().to_string();
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
    // Four keep-alive connections in parallel, each on its own thread.
    g.bench_function("http/describe_4_connections", |b| {
        b.iter_custom(|iters| {
            let per = iters.div_ceil(4);
            let start = Instant::now();
            let threads: Vec<_> = (0..4)
                .map(|_| {
                    std::thread::spawn(move || {
                        let mut c = Conn::new(addr);
                        for _ in 0..per {
                            assert_eq!(c.get(&signed_query("DescribeLoadBalancers", &[])), 200);
                        }
                    })
                })
                .collect();
            threads.into_iter().for_each(|t| t.join().unwrap());
            // The wall time of 4 * per requests, scaled to the iterations criterion asked for.
            start.elapsed().mul_f64(iters as f64 / (per * 4) as f64)
        })
    });
    g.finish();
    // Skippable so a profiler can look at the request path alone.
    if std::env::var_os("LBCONFORM_BENCH_SKIP_MEMORY").is_none() {
        memory_of_100k();
    }
}

fn rss_mb() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / 1e6
}

/// 100,000 load balancers with one TCP listener each, created through the pipeline.
fn memory_of_100k() {
    let em = emulator();
    let before = rss_mb();
    let t = Instant::now();
    for i in 0..100_000u32 {
        let req = HttpRequest {
            method: "GET".into(),
            host: "h".into(),
            path: "/".into(),
            query: signed_query("CreateLoadBalancer", &[]),
            ..Default::default()
        };
        let out = pipeline::handle(&em, &req);
        let body: serde_json::Value = serde_json::from_slice(&out.body).unwrap();
        let id = body["LoadBalancerId"].as_str().unwrap().to_string();
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
    let after = rss_mb();
    println!("memory: 100,000 load balancers with a listener each: {:.0} MB resident ({:.0} MB before), built in {:.1?}", after, before, t.elapsed());
}

criterion_group!(benches, bench);
criterion_main!(benches);
