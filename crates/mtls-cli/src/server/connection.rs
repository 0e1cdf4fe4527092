//! One connection of `mtls server`, as one task: the handshake under its deadline, the
//! one-line report, the echo (or the HTTP page), then the lingering close.

use std::net::SocketAddr;
use std::time::Duration;

use mtls::server::{Acceptor, ClientHello};
use mtls_tokio::{LazyConfigAcceptor, TlsAcceptor};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use super::http;
use crate::common::{Info, io_text};

/// The TLS stream of an established connection; the socket stays the task's, for the
/// lingering close after the stream is done with.
pub(super) type Tls<'a> = mtls_tokio::server::TlsStream<&'a mut TcpStream>;

/// Application data read at once by the echo: on the heap, and only once established, so an
/// idle connection's task stays small; 4 KiB rather than a whole record, since every
/// established connection holds it for as long as it is open.
const ECHO_BUFFER: usize = 4 * 1024;

/// What each connection needs besides the TLS configuration.
pub(super) struct Options {
    /// Answer with the status page instead of echoing.
    pub http: bool,
    /// The bound of each read and write after the handshake.
    pub idle: Duration,
    /// The deadline of a handshake, from accept.
    pub handshake: Duration,
    /// `--client-auth request`: certificates are accepted unverified.
    pub unverified: bool,
    /// `--client-auth post-handshake`: ask for the certificate once the first data arrived.
    pub post_handshake: bool,
}

/// One connection: handshake, the one-line report, then echo or the HTTP page.
pub(super) async fn serve(
    mut sock: TcpStream,
    peer: SocketAddr,
    acceptor: &TlsAcceptor,
    options: &Options,
) -> Result<(), String> {
    let _ = sock.set_nodelay(true);
    // Nothing is allocated for TLS until the client's first bytes arrive; then the
    // handshake's state, and after it the established stream, go on the heap. The task of a
    // connection that sends nothing holds a socket and a few hundred bytes.
    let handshake = async {
        // A peek, not `readable()`: tokio takes an accepted socket as readable at first.
        sock.peek(&mut [0u8; 1]).await.map_err(|e| (e, None))?;
        // The ClientHello first, to say what the client offered if it is refused.
        let start = Box::pin(LazyConfigAcceptor::new(Acceptor::default(), &mut sock))
            .await
            .map_err(|e| (e, None))?;
        let offered = offered(&start.client_hello());
        Box::pin(start.into_stream(acceptor.config().clone()))
            .await
            .map(Box::new)
            .map_err(|e| (e, Some(offered)))
    };
    // One timeout over the whole of it: however the client paces its bytes, the handshake
    // ends at the deadline.
    let accepted = timeout(options.handshake, handshake).await;
    let tls = match accepted {
        Ok(Ok(tls)) => tls,
        Err(_) => {
            // The client is the slow one and no alert is pending: close at once.
            return Err(format!(
                "handshake failed: deadline of {} s passed",
                options.handshake.as_secs()
            ));
        }
        Ok(Err((e, offered))) => {
            // The fatal alert is written; half-close and drain, so that the client reads it
            // rather than a reset (RFC 5246 7.2.2).
            mtls_tokio::linger_close(&mut sock).await;
            let mut line = format!("handshake failed: {}", io_text(&e));
            if let Some(o) = offered {
                line.push_str(&format!("; the client offered {o}"));
            }
            return Err(line);
        }
    };
    // The session's state goes on the heap too, and only now.
    let result = Box::pin(session(tls, peer, options)).await;
    mtls_tokio::linger_close(&mut sock).await;
    result
}

/// After the handshake: the one-line report, then echo or the HTTP page, then our
/// close_notify or the fatal alert sent.
async fn session(mut tls: Box<Tls<'_>>, peer: SocketAddr, options: &Options) -> Result<(), String> {
    let mut info = Info::of(tls.get_ref().1);
    if options.unverified
        && let Some(peer) = &mut info.peer
    {
        peer.push_str(" (not verified)");
    }
    let mut line = format!(
        "{peer}: {} {} handshake, {}, client {}",
        crate::common::version_text(info.version),
        info.full_or_resumed(),
        info.suite,
        if options.post_handshake && info.peer.is_none() {
            "not asked yet (post-handshake)".to_string()
        } else {
            info.peer_or("sent no certificate")
        },
    );
    if let Some(p) = &info.alpn {
        line.push_str(&format!(", alpn {p}"));
    }
    if !info.ems && info.version != Some(mtls::ProtocolVersion::TLSv1_3) {
        line.push_str(", without extended master secret");
    }
    eprintln!("{line}");
    // The client's chain, as `mtls client` shows the server's.
    if !info.resumed {
        show_chain(&tls, peer);
    }

    let ask = options.post_handshake.then_some(peer);
    let result = if options.http {
        http::answer(&mut tls, peer, info, ask, options.idle).await
    } else {
        echo(&mut tls, ask, options.idle).await
    };
    // A fatal alert may still be queued after an error: send it (bounded). The caller then
    // gives the client a moment to close, so that unread bytes of its do not turn our close
    // into a reset that loses the last response or the alert.
    let _ = timeout(options.idle, tls.flush()).await;
    result
}

/// The client's chain, one line per certificate.
fn show_chain(tls: &Tls<'_>, peer: SocketAddr) {
    if let Some(chain) = tls.get_ref().1.peer_certificates() {
        for (i, cert) in chain.iter().enumerate() {
            eprintln!(
                "{peer}: client certificate {i}: {}",
                crate::client_probe::describe(cert)
            );
        }
    }
}

/// `--client-auth post-handshake`, once the client's first data has arrived: asks for its
/// certificate (RFC 8446 4.6.2) and waits, within `idle`, for the verified answer; says who
/// it is. `Ok(None)` when the connection cannot ask (TLS 1.2, or the client did not offer
/// post_handshake_auth): it is served without a certificate. A refused or missing answer
/// ends the connection (its alert is sent).
pub(super) async fn authenticate(
    tls: &mut Tls<'_>,
    peer: SocketAddr,
    idle: Duration,
) -> Result<Option<String>, String> {
    match timeout(idle, tls.request_client_certificate()).await {
        Ok(Ok(())) => {
            let who = Info::of(tls.get_ref().1).peer;
            eprintln!(
                "{peer}: post-handshake authentication: client {}",
                who.as_deref().unwrap_or("(none)")
            );
            show_chain(tls, peer);
            Ok(who)
        }
        Ok(Err(e)) => {
            if let Some(mtls::Error::Unavailable(why)) =
                e.get_ref().and_then(|i| i.downcast_ref::<mtls::Error>())
            {
                eprintln!("{peer}: post-handshake authentication not possible: {why}");
                return Ok(None);
            }
            Err(format!(
                "post-handshake authentication failed: {}",
                io_text(&e)
            ))
        }
        Err(_) => Err(format!(
            "post-handshake authentication failed: no answer within {} s",
            idle.as_secs()
        )),
    }
}

/// Echoes everything back until the client's close_notify, then answers with ours. With
/// `ask` (post-handshake authentication), the certificate is asked for when the first data
/// arrives, before it is echoed.
async fn echo(
    tls: &mut Tls<'_>,
    mut ask: Option<SocketAddr>,
    idle: Duration,
) -> Result<(), String> {
    let mut buf = vec![0u8; ECHO_BUFFER];
    loop {
        match timeout(idle, tls.read(&mut buf)).await {
            Ok(Ok(0)) => return close(tls, idle).await,
            Ok(Ok(n)) => {
                if let Some(peer) = ask.take() {
                    authenticate(tls, peer, idle).await?;
                }
                write(tls, buf.get(..n).unwrap_or_default(), idle).await?;
            }
            Err(_) => {
                let _ = close(tls, idle).await;
                return Err(format!(
                    "no data for {} s: closed the connection",
                    idle.as_secs()
                ));
            }
            Ok(Err(e)) => return Err(format!("connection failed: {}", io_text(&e))),
        }
    }
}

/// Writes all of `data`, within `idle`.
pub(super) async fn write(tls: &mut Tls<'_>, data: &[u8], idle: Duration) -> Result<(), String> {
    match timeout(idle, tls.write_all(data)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("write failed: {}", io_text(&e))),
        Err(_) => Err(format!(
            "write failed: the client took nothing for {} s",
            idle.as_secs()
        )),
    }
}

/// Sends close_notify and shuts the write side, within `idle`.
pub(super) async fn close(tls: &mut Tls<'_>, idle: Duration) -> Result<(), String> {
    match timeout(idle, tls.shutdown()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(io_text(&e)),
        Err(_) => Err(format!("close_notify not sent within {} s", idle.as_secs())),
    }
}

/// What a ClientHello offered, in one phrase: SNI, ALPN, versions, suites and signature
/// schemes (how many, and the first few).
fn offered(hello: &ClientHello<'_>) -> String {
    let few = |names: Vec<String>| {
        let n = names.len();
        let head: Vec<String> = names.into_iter().take(4).collect();
        if n > head.len() {
            format!("{n} ({}, ...)", head.join(", "))
        } else {
            format!("{n} ({})", head.join(", "))
        }
    };
    let alpn: Vec<String> = hello
        .alpn()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let mut versions = vec![format!("{:?}", hello.client_version())];
    versions.extend(hello.supported_versions().iter().map(|v| format!("{v:?}")));
    format!(
        "SNI {}, ALPN {}, versions {}, suites {}, signature schemes {}",
        hello.server_name().unwrap_or("(none)"),
        if alpn.is_empty() {
            "(none)".into()
        } else {
            alpn.join(",")
        },
        versions.join("/"),
        few(hello
            .cipher_suites()
            .iter()
            .map(|c| format!("{c:?}"))
            .collect()),
        few(hello
            .signature_schemes()
            .iter()
            .map(|s| crate::decode::scheme(*s))
            .collect()),
    )
}
