//! The HTTP side of `golive serve`, spoken raw over a real `TcpStream` to a real
//! `golive serve` process: which requests it answers, which it refuses and with
//! what status, what it never reads, what it never serves, and how many threads
//! a crowd of idle connections can make it start.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Site;
use common::serve::{ANSWER_LIMIT, Response, Serving, connect, exchange, read_response};

/// Far more than any limit of the server; what a hostile client tries to send.
const HUGE: usize = 256 << 20;

/// A peak-memory rise (VmHWM, kB) that buffering a HUGE request would exceed
/// many times over, and that answering it in bounded memory never reaches.
const MEMORY_SLACK_KB: u64 = 32 << 10;

fn verdicts() -> (Site, Serving) {
    let site = Site::copy_of("verdicts");
    let server = Serving::start(&site, &[]);
    (site, server)
}

fn request(server: &Serving, head: &str) -> Response {
    server.exchange(head.as_bytes())
}

/// Sends `prefix`, then `filler` bytes until HUGE bytes are sent or the server
/// stops taking them. Returns how many bytes went out; closes our sending side
/// when done so that a server still waiting for the end of the head sees it.
fn send_until_refused(stream: &TcpStream, prefix: Vec<u8>, filler: u8) -> usize {
    let mut stream = stream.try_clone().unwrap();
    let mut sent = 0;
    if stream.write_all(&prefix).is_err() {
        return sent;
    }
    sent += prefix.len();
    let chunk = vec![filler; 1 << 20];
    while sent < HUGE {
        if stream.write_all(&chunk).is_err() {
            return sent;
        }
        sent += chunk.len();
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
    sent
}

/// Streams HUGE bytes after `prefix` while reading the answer; returns the
/// answer and how many bytes the server let us send before it closed.
fn flood(server: &Serving, prefix: &str, filler: u8) -> (Response, usize) {
    let mut stream = server.connect();
    let prefix = prefix.as_bytes().to_vec();
    let sender = {
        let stream = stream.try_clone().unwrap();
        std::thread::spawn(move || send_until_refused(&stream, prefix, filler))
    };
    let response = read_response(&mut stream);
    drop(stream);
    (response, sender.join().unwrap())
}

/// Reads the peak memory before and after `f` and checks that it stayed bounded.
fn with_bounded_memory<T>(server: &Serving, what: &str, f: impl FnOnce() -> T) -> T {
    let before = server.status_field("VmHWM");
    let result = f();
    let after = server.status_field("VmHWM");
    assert!(
        after < before + MEMORY_SLACK_KB,
        "{what}: peak memory rose from {before} kB to {after} kB"
    );
    result
}

#[test]
fn only_get_and_head_are_answered() {
    let (_site, server) = verdicts();
    let host = &server.address;
    let page = server.get("/");
    assert_eq!(page.status_line, "HTTP/1.1 200 OK");
    assert!(page.text().contains("Fixture App 1.1.0"));

    for method in [
        "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "FOO", "get",
    ] {
        let r = request(
            &server,
            &format!("{method} / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n\r\n"),
        );
        assert_eq!(r.status_line, "HTTP/1.1 405 Method Not Allowed", "{method}");
        assert_eq!(r.header("Allow"), Some("GET, HEAD"), "{method}");
        assert!(
            !r.text().contains("Fixture App"),
            "{method} must not get the page"
        );
    }
    // Targets only other methods use are refused by method too.
    for target in ["CONNECT 127.0.0.1:1", "OPTIONS *"] {
        let r = request(
            &server,
            &format!("{target} HTTP/1.1\r\nHost: {host}\r\n\r\n"),
        );
        assert_eq!(r.status_line, "HTTP/1.1 405 Method Not Allowed", "{target}");
    }

    // HEAD: GET's headers, the same Content-Length, no body.
    for path in ["/", "/assets/golive.css", "/no/such/page.html"] {
        let get = server.get(path);
        let head = request(
            &server,
            &format!("HEAD {path} HTTP/1.1\r\nHost: {host}\r\n\r\n"),
        );
        assert_eq!(head.status_line, get.status_line, "HEAD {path}");
        assert_eq!(
            head.header("Content-Length"),
            Some(get.body.len().to_string().as_str()),
            "HEAD {path} announces GET's length"
        );
        assert_eq!(head.header("Content-Type"), get.header("Content-Type"));
        assert!(head.body.is_empty(), "HEAD {path} sent a body");
    }
}

#[test]
fn responses_keep_their_types_and_are_never_cached() {
    let (_site, server) = verdicts();
    for (path, content_type) in [
        ("/", "text/html; charset=utf-8"),
        ("/releases/fixture-app-1.1.0/", "text/html; charset=utf-8"),
        ("/releases/fixture-app-1.1.0", "text/html; charset=utf-8"),
        ("/assets/golive.css", "text/css"),
        (
            "/releases/fixture-app-1.1.0/readiness.json",
            "application/json",
        ),
        ("/__golive/state", "application/json"),
        ("/__golive/reload.js", "text/javascript; charset=utf-8"),
        ("/no/such/page.html", "text/html; charset=utf-8"),
    ] {
        let r = server.get(path);
        assert_eq!(r.header("Content-Type"), Some(content_type), "{path}");
        assert_eq!(r.header("Cache-Control"), Some("no-store"), "{path}");
        assert_eq!(r.header("Connection"), Some("close"), "{path}");
        assert_eq!(
            r.header("Content-Length"),
            Some(r.body.len().to_string().as_str()),
            "{path}"
        );
    }
    let state: serde_json::Value =
        serde_json::from_slice(&server.get("/__golive/state").body).expect("the state is JSON");
    assert!(state["version"].is_u64() && state["error"].is_null());
    // The reload script goes right before </body>, and the page stays whole.
    let page = server.get("/").text();
    assert_eq!(
        page.matches("<script src=\"/__golive/reload.js\"></script></body>")
            .count(),
        1,
        "{page}"
    );
}

#[test]
fn an_overlong_request_line_is_refused_without_being_read() {
    let (_site, server) = verdicts();
    let (response, sent) = with_bounded_memory(&server, "a HUGE request line", || {
        flood(&server, "GET /", b'a')
    });
    assert_eq!(response.status_line, "HTTP/1.1 414 URI Too Long");
    assert_eq!(response.header("Connection"), Some("close"));
    assert!(
        sent < HUGE,
        "golive read all {sent} bytes of the request line"
    );
    // A whole request with a line just over the bound, as a browser sends it.
    let over = server.get(&format!("/{}", "a".repeat(9000)));
    assert_eq!(over.status_line, "HTTP/1.1 414 URI Too Long");
    // A long line that still fits is served (as a 404).
    let long = format!("/{}", "a".repeat(8000));
    assert_eq!(server.get(&long).status, 404);
    assert_eq!(server.get("/").status, 200, "the server still answers");
}

#[test]
fn oversized_header_fields_are_refused_without_being_read() {
    let (_site, server) = verdicts();
    let host = &server.address;
    let start = format!("GET / HTTP/1.1\r\nHost: {host}\r\n");
    let with = |fields: String| format!("{start}{fields}\r\n");
    let too_large = "HTTP/1.1 431 Request Header Fields Too Large";

    // 40 KiB of header fields in all, each of them modest.
    let many_kib: String = (0..40)
        .map(|i| format!("X-Filler-{i}: {}\r\n", "v".repeat(1000)))
        .collect();
    assert_eq!(request(&server, &with(many_kib)).status_line, too_large);
    // Just over 32 KiB in all.
    let just_over: String = (0..33)
        .map(|i| format!("X-Filler-{i}: {}\r\n", "v".repeat(1000)))
        .collect();
    assert_eq!(request(&server, &with(just_over)).status_line, too_large);
    // Too many fields, though small.
    let many: String = (0..200).map(|i| format!("X-F{i}: 1\r\n")).collect();
    assert_eq!(request(&server, &with(many)).status_line, too_large);
    // One field far longer than any real one.
    let long = format!("Cookie: {}\r\n", "c".repeat(20 * 1024));
    assert_eq!(request(&server, &with(long)).status_line, too_large);
    // Headers that never end: refused, the rest never read.
    let (response, sent) = with_bounded_memory(&server, "endless header fields", || {
        flood(&server, &format!("{start}X-Endless: "), b'e')
    });
    assert_eq!(response.status_line, too_large);
    assert!(sent < HUGE, "golive read all {sent} bytes of the headers");

    // Real-world sizes still pass.
    let normal: String = (0..30)
        .map(|i| format!("X-Normal-{i}: {}\r\n", "n".repeat(200)))
        .collect();
    assert_eq!(request(&server, &with(normal)).status, 200);
}

#[test]
fn a_body_is_never_read() {
    let (_site, server) = verdicts();
    let host = &server.address;
    for framing in [
        format!("Content-Length: {HUGE}"),
        "Transfer-Encoding: chunked".to_string(),
    ] {
        let prefix = format!("GET / HTTP/1.1\r\nHost: {host}\r\n{framing}\r\n\r\n");
        let (response, sent) =
            with_bounded_memory(&server, &framing, || flood(&server, &prefix, b'b'));
        assert_eq!(response.status, 200, "{framing}");
        assert_eq!(response.header("Connection"), Some("close"));
        assert!(
            sent < HUGE,
            "{framing}: golive read all {sent} bytes of the body"
        );
    }
}

#[test]
fn malformed_requests_are_400() {
    let (_site, server) = verdicts();
    let host = &server.address;
    let bad: Vec<(&str, Vec<u8>)> = vec![
        ("not HTTP", b"GARBAGE\r\n\r\n".to_vec()),
        ("HTTP/0.9", b"GET /\r\n\r\n".to_vec()),
        (
            "an unknown version",
            format!("GET / HTTP/2.0\r\nHost: {host}\r\n\r\n").into_bytes(),
        ),
        (
            "a field without a colon",
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nNo colon here\r\n\r\n").into_bytes(),
        ),
        (
            "a space in a field name",
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nBad Name: x\r\n\r\n").into_bytes(),
        ),
        (
            "a control character in a field value",
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nX-Bell: a\x07b\r\n\r\n").into_bytes(),
        ),
        (
            "a control character in the target",
            format!("GET /a\x01b HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes(),
        ),
        (
            "an encoded NUL",
            format!("GET /index.html%00.css HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes(),
        ),
        (
            "an encoded control character",
            format!("GET /%1b[31m HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes(),
        ),
        (
            "an encoding that is not UTF-8",
            format!("GET /%FF%FE HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes(),
        ),
        (
            "a target that is not a path",
            format!("GET index.html HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes(),
        ),
        (
            "the asterisk target on GET",
            format!("GET * HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes(),
        ),
        (
            "an absolute target with no host",
            format!("GET http:///index.html HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes(),
        ),
        ("HTTP/1.1 without Host", b"GET / HTTP/1.1\r\n\r\n".to_vec()),
        (
            "two Host fields",
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nHost: {host}\r\n\r\n").into_bytes(),
        ),
        (
            "a Host with a bad port",
            b"GET / HTTP/1.1\r\nHost: localhost:http\r\n\r\n".to_vec(),
        ),
        (
            "a Content-Length that is not a number",
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nContent-Length: lots\r\n\r\n").into_bytes(),
        ),
        (
            "both Content-Length and Transfer-Encoding",
            format!(
                "GET / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            .into_bytes(),
        ),
    ];
    for (what, raw) in bad {
        let r = server.exchange(&raw);
        assert_eq!(r.status_line, "HTTP/1.1 400 Bad Request", "{what}");
        assert_eq!(r.header("Connection"), Some("close"), "{what}");
        assert!(!r.text().contains("Fixture App"), "{what} got the page");
    }
    // Bare LF line ends are tolerated, as RFC 9112 allows.
    let lf = server.exchange(format!("GET / HTTP/1.1\nHost: {host}\n\n").as_bytes());
    assert_eq!(lf.status, 200);
}

#[test]
fn slow_clients_are_cut_off() {
    let (_site, server) = verdicts();
    // A head that never ends.
    let mut silent = server.connect();
    silent.write_all(b"GET / HTTP/1.1\r\nHost: ").unwrap();
    // A head that trickles in, a field at a time, for ever.
    let mut trickling = server.connect();
    let writer = trickling.try_clone().unwrap();
    let trickler = std::thread::spawn(move || {
        let mut writer = writer;
        let mut fields = 0;
        if writer.write_all(b"GET / HTTP/1.1\r\n").is_err() {
            return fields;
        }
        while writer
            .write_all(format!("X-{fields}: x\r\n").as_bytes())
            .is_ok()
        {
            fields += 1;
            // Under the head's time limit per field: only a limit on the whole
            // head stops this.
            std::thread::sleep(Duration::from_millis(500));
            if fields > 10_000 {
                break;
            }
        }
        fields
    });
    for (what, stream) in [("silent", &mut silent), ("trickling", &mut trickling)] {
        let r = read_response(stream);
        assert_eq!(r.status_line, "HTTP/1.1 408 Request Timeout", "{what}");
        assert_eq!(r.header("Connection"), Some("close"), "{what}");
    }
    drop(trickling);
    let fields = trickler.join().unwrap();
    assert!(fields < 10_000, "the trickling client was never cut off");
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn only_requests_for_this_server_are_answered() {
    let (_site, server) = verdicts();
    let port = server.port;
    let get_with_host = |host: &str| {
        request(
            &server,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
    };
    for host in [
        format!("127.0.0.1:{port}"),
        "127.0.0.1".to_string(),
        "localhost".to_string(),
        format!("LocalHost:{port}"),
        "localhost:9000".to_string(), // a port forward (ssh -L) keeps the name
        "[::1]".to_string(),
        format!("[::1]:{port}"),
        format!("[0:0:0:0:0:0:0:1]:{port}"),
    ] {
        assert_eq!(get_with_host(&host).status, 200, "Host: {host}");
    }
    // HTTP/1.0 may leave Host out.
    assert_eq!(request(&server, "GET / HTTP/1.0\r\n\r\n").status, 200);

    // DNS rebinding: a page on another name that now resolves to 127.0.0.1.
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        "127.0.0.1.nip.io".to_string(),
        "10.0.0.1".to_string(),
        "[::2]".to_string(),
        "0.0.0.0".to_string(),
    ] {
        let r = get_with_host(&host);
        assert_eq!(
            r.status_line, "HTTP/1.1 421 Misdirected Request",
            "Host: {host}"
        );
        assert!(
            r.text().contains("localhost") && !r.text().contains("Fixture App"),
            "Host: {host}: {}",
            r.text()
        );
    }
    let r = request(&server, "GET / HTTP/1.0\r\nHost: evil.example\r\n\r\n");
    assert_eq!(r.status, 421, "HTTP/1.0 with a foreign Host");
    // The absolute form names the host in the target; it is checked the same way.
    let r = request(
        &server,
        &format!("GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
    );
    assert_eq!(r.status, 421);
    let r = request(
        &server,
        &format!("GET http://127.0.0.1:{port}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
    );
    assert_eq!(r.status, 200);
}

/// Bound to every interface on purpose: the address a client connected to is
/// accepted as Host (an IP address cannot be rebound), names only when given.
#[test]
fn a_server_exposed_on_purpose_accepts_its_addresses_and_named_hosts() {
    let site = Site::copy_of("verdicts");
    let server = Serving::start(&site, &["--bind", "0.0.0.0", "--allow-host", "MyBox.lan"]);
    let port = server.port;
    assert_eq!(server.address, format!("0.0.0.0:{port}"));
    let ask = |via: &str, host: &str| {
        exchange(
            &format!("{via}:{port}"),
            format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
        )
    };
    // The whole of 127.0.0.0/8 reaches a server bound to 0.0.0.0 on Linux.
    for (via, host) in [
        ("127.0.0.1", format!("127.0.0.1:{port}")),
        ("127.0.0.1", "localhost".to_string()),
        ("127.0.0.1", format!("0.0.0.0:{port}")),
        ("127.0.0.2", format!("127.0.0.2:{port}")),
        ("127.0.0.2", format!("mybox.LAN:{port}")),
    ] {
        assert_eq!(ask(via, &host).status, 200, "via {via}, Host: {host}");
    }
    for (via, host) in [
        ("127.0.0.2", "127.0.0.3".to_string()),
        ("127.0.0.2", format!("evil.example:{port}")),
        ("127.0.0.1", "otherbox.lan".to_string()),
    ] {
        let r = ask(via, &host);
        assert_eq!(r.status, 421, "via {via}, Host: {host}");
        assert!(r.text().contains("--allow-host"), "{}", r.text());
    }
}

#[test]
fn nothing_outside_the_output_folder_is_served() {
    use std::os::unix::fs::symlink;
    let (site, server) = verdicts();
    site.write("secret.txt", "TOP SECRET");
    site.write("secret-dir/inner.txt", "TOP SECRET");
    let public = site.path("public");
    symlink(site.path("secret.txt"), public.join("leak.txt")).unwrap();
    symlink(site.path("secret-dir"), public.join("leakdir")).unwrap();
    symlink("../../secret.txt", public.join("releases/up.txt")).unwrap();
    symlink("/etc/passwd", public.join("passwd.html")).unwrap();
    // Links that stay inside are fine.
    symlink("index.html", public.join("alias.html")).unwrap();
    symlink("fixture-app-1.1.0", public.join("releases/latest")).unwrap();

    for path in [
        "/leak.txt",
        "/leakdir/inner.txt",
        "/leakdir/",
        "/leakdir",
        "/releases/up.txt",
        "/passwd.html",
        // Traversal, plain and encoded.
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/releases/..%2F..%2Fsecret.txt",
        "/releases/../../secret.txt",
        "//etc/passwd",
        "/%2Fetc%2Fpasswd",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(
            !r.text().contains("TOP SECRET") && !r.text().contains("root:"),
            "{path} leaked"
        );
    }
    assert_eq!(server.get("/alias.html").status, 200);
    let latest = server.get("/releases/latest/");
    assert_eq!(latest.status, 200);
    assert!(latest.text().contains("Fixture App"));
}

#[test]
fn golive_bookkeeping_and_hidden_files_are_not_served() {
    let (site, server) = verdicts();
    let names = [
        ".golive-manifest",
        ".golive-cache.json",
        ".golive-index",
        ".golive-output",
        ".golive-lock",
        "index.html.golive-tmp",
        "releases/fixture-app-1.1.0/index.html.4242.7.golive-tmp",
        ".hidden/page.html",
        "releases/.env",
    ];
    for name in names {
        if !site.path("public").join(name).exists() {
            site.write(&format!("public/{name}"), "bookkeeping");
        }
    }
    for name in names {
        for path in [format!("/{name}"), format!("/{}", name.replace('.', "%2e"))] {
            let r = server.get(&path);
            assert_eq!(r.status, 404, "{path}");
            assert!(!r.text().contains("bookkeeping"), "{path}");
        }
    }
    let symlinked = site.path("public/manifest.txt");
    std::os::unix::fs::symlink(".golive-manifest", &symlinked).unwrap();
    assert_eq!(
        server.get("/manifest.txt").status,
        404,
        "a link to a hidden file"
    );
}

#[test]
fn large_files_are_streamed() {
    let (site, server) = verdicts();
    let size = 64usize << 20;
    let mut file = std::fs::File::create(site.path("public/big.bin")).unwrap();
    let block: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
    for _ in 0..size >> 20 {
        file.write_all(&block).unwrap();
    }
    drop(file);
    // A large page: the reload script still goes before its </body>.
    let body = "<p>row</p>\n".repeat(400_000);
    site.write(
        "public/big.html",
        format!("<!DOCTYPE html><html><body>{body}</body></html>\n"),
    );

    with_bounded_memory(&server, "a 64 MiB file", || {
        let mut stream = server.connect();
        write!(
            stream,
            "GET /big.bin HTTP/1.1\r\nHost: {}\r\n\r\n",
            server.address
        )
        .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        let response = common::serve::parse_response(&head);
        assert_eq!(response.status, 200);
        assert_eq!(
            response.header("Content-Length"),
            Some(size.to_string().as_str())
        );
        let mut received = 0usize;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = stream.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            assert!(
                buf[..n]
                    .iter()
                    .enumerate()
                    .all(|(i, b)| *b == ((received + i) % 256) as u8),
                "bytes differ near offset {received}"
            );
            received += n;
        }
        assert_eq!(received, size);
    });

    let page = server.get("/big.html");
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(
        text.ends_with(&format!(
            "{body}<script src=\"/__golive/reload.js\"></script></body></html>\n"
        )),
        "the script is not right before </body>"
    );
    assert!(text.starts_with("<!DOCTYPE html><html><body><p>row</p>"));
}

/// Connections the server holds (its workers and its queue) must be few and
/// fixed; the test allows this many.
const MOST_HELD: usize = 64;

#[test]
fn idle_connections_cannot_grow_the_threads() {
    let (_site, server) = verdicts();
    let threads_before = server.status_field("Threads");
    let idle: Vec<TcpStream> = (0..MOST_HELD + 60).map(|_| server.connect()).collect();
    for stream in &idle {
        stream.set_nonblocking(true).unwrap();
    }
    // Those beyond what the server holds are answered 503 at once. (Held ones
    // the server times out are answered 408; that takes seconds, and is fine.)
    let mut answers: Vec<Vec<u8>> = vec![Vec::new(); idle.len()];
    let mut closed = vec![false; idle.len()];
    let started = Instant::now();
    loop {
        for (i, mut stream) in idle.iter().enumerate() {
            let mut buf = [0u8; 4096];
            while !closed[i] {
                match stream.read(&mut buf) {
                    Ok(0) => closed[i] = true,
                    Ok(n) => answers[i].extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) => panic!("idle connection {i}: {e}"),
                }
            }
        }
        let statuses: Vec<String> = (0..idle.len())
            .filter(|&i| closed[i])
            .map(|i| common::serve::parse_response(&answers[i]))
            .inspect(|r| {
                if r.status == 503 {
                    assert_eq!(r.header("Retry-After"), Some("1"));
                }
            })
            .map(|r| r.status_line)
            .collect();
        assert!(
            statuses
                .iter()
                .all(|s| s == "HTTP/1.1 503 Service Unavailable"
                    || s == "HTTP/1.1 408 Request Timeout"),
            "{statuses:?}"
        );
        let turned_away = statuses.iter().filter(|s| s.contains(" 503 ")).count();
        if turned_away >= idle.len() - MOST_HELD {
            break;
        }
        assert!(
            started.elapsed() < ANSWER_LIMIT,
            "only {turned_away} of {} idle connections were turned away; threads: {}",
            idle.len(),
            server.status_field("Threads")
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let threads = server.status_field("Threads");
    assert!(
        threads <= threads_before + 2,
        "{} idle connections took the server from {threads_before} to {threads} threads",
        idle.len()
    );

    // Once they go, a normal request is served again.
    drop(idle);
    let started = Instant::now();
    loop {
        let mut stream = connect(&server.address);
        let sent = write!(stream, "GET / HTTP/1.1\r\nHost: {}\r\n\r\n", server.address);
        if sent.is_ok() {
            let mut raw = Vec::new();
            if stream.read_to_end(&mut raw).is_ok() && !raw.is_empty() {
                let r = common::serve::parse_response(&raw);
                if r.status == 200 {
                    break;
                }
                assert_eq!(r.status, 503, "{}", r.status_line);
            }
        }
        assert!(
            started.elapsed() < ANSWER_LIMIT,
            "no request served after the idle connections closed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.status_field("Threads") <= threads_before + 2);
}

/// Two servers at once on one port: the second says what to do and fails
/// before it builds anything.
#[test]
fn a_busy_port_is_refused_before_building() {
    let (site, server) = verdicts();
    let port = server.port.to_string();
    let second = site.run(&["serve", "--port", &port, "--out", "second-out"]);
    assert_eq!(second.code, Some(1), "{}", second.describe());
    assert!(
        second
            .stderr
            .contains(&format!("cannot listen on 127.0.0.1:{port}"))
            && second.stderr.contains("--port 0"),
        "{}",
        second.describe()
    );
    assert!(
        !site.path("second-out").exists(),
        "the second server built before finding the port taken"
    );
    assert_eq!(server.get("/").status, 200, "the first one still serves");
}
