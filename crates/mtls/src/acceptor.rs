//! Choosing the server configuration after the ClientHello, sans IO: [`Acceptor`] reads
//! until the client's first message is whole, [`Accepted`] shows it ([`ClientHello`]) and
//! continues as a [`ServerConnection`] with the configuration chosen for it.
//!
//! The acceptor is a connection like any other whose handshake only reads the ClientHello
//! (through the same record layer, gate and parser, with the same alerts); the chosen
//! configuration's handshake is then handed the same message bytes. Nothing is read twice
//! from the transport and nothing the client sent is lost.

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::{Arc, OnceLock};

use mtls_handshake::{
    Action, FirstClientHello, Handshake, HandshakeError, HandshakeSummary, Input, ServerHandshake,
};
use mtls_wire::{AlertDescription, CipherSuite, ProtocolVersion, SignatureScheme};

use crate::config::ServerConfig;
use crate::conn::ConnectionCommon;
use crate::connection::ServerConnection;
use crate::error::Error;

/// The ClientHello as received (its bytes, to hand to the real handshake) and as read.
type Seen = Arc<OnceLock<(Vec<u8>, FirstClientHello)>>;

/// The handshake of an [`Acceptor`]: it reads the ClientHello and stops.
struct HelloReader {
    seen: Seen,
}

impl Handshake for HelloReader {
    fn handle(&mut self, input: Input<'_>) -> Result<Vec<Action>, HandshakeError> {
        if self.seen.get().is_some() {
            // RFC 5246 7.3: a TLS 1.2 client waits for the server's flight after its hello.
            return Err(HandshakeError::unexpected(
                "the client sent more before the server answered its ClientHello",
            ));
        }
        let first = FirstClientHello::read(input)?;
        if let Input::Handshake(bytes) = input {
            // Only ever set here, once: a failed set cannot happen after the check above.
            let _ = self.seen.set((bytes.to_vec(), first));
        }
        Ok(Vec::new())
    }

    fn is_complete(&self) -> bool {
        false
    }

    fn summary(&self) -> Option<&HandshakeSummary> {
        None
    }

    fn forget_session(&self) {}

    fn version(&self) -> mtls_wire::ProtocolVersion {
        // Nothing is negotiated before a configuration is chosen.
        mtls_wire::ProtocolVersion::TLSv1_2
    }

    fn post_handshake_available(
        &self,
        _request: mtls_handshake::PostHandshakeRequest,
    ) -> Result<(), String> {
        Err("no configuration was chosen yet".into())
    }

    fn post_handshake(
        &mut self,
        request: mtls_handshake::PostHandshakeRequest,
    ) -> Result<Vec<Action>, HandshakeError> {
        Err(HandshakeError::internal(format!(
            "{request:?} before a configuration was chosen"
        )))
    }
}

/// Reads a client's ClientHello before any server configuration is chosen, sans IO: a
/// multi-tenant server picks the certificate, the client CA roots and the client-auth policy
/// from the SNI name (or ALPN, suites, ...), then continues the handshake with
/// [`Accepted::into_connection`].
///
/// ```
/// use mtls::server::Acceptor;
/// use mtls::{ClientConfig, ClientConnection, ServerConfig};
/// use mtls::pki::{RootStore, certs_from_pem, private_key_from_pem};
///
/// # // A throwaway CA and leaves made with rcgen (a real deployment reads its PEM files).
/// # use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
/// # let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
/// # ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
/// # let ca_key = KeyPair::generate()?;
/// # let ca = ca_params.self_signed(&ca_key)?.pem().into_bytes();
/// # let issuer = Issuer::new(ca_params, ca_key);
/// # let leaf = |name: &str| -> Result<(Vec<u8>, Vec<u8>), rcgen::Error> {
/// #     let key = KeyPair::generate()?;
/// #     let cert = CertificateParams::new(vec![name.to_string()])?.signed_by(&key, &issuer)?;
/// #     Ok((cert.pem().into_bytes(), key.serialize_pem().into_bytes()))
/// # };
/// # let roots = || RootStore::from_pem(&ca);
/// # let (server_pem, server_key) = leaf("localhost")?;
/// # let (chain, key) = (certs_from_pem(&server_pem)?, private_key_from_pem(&server_key)?);
/// # let client = ClientConfig::with_roots(roots()?).build()?;
/// // One configuration per tenant, chosen by SNI.
/// let tenant_a = ServerConfig::builder().certificate(chain, key).client_auth_required(roots()?).build()?;
///
/// let mut client = ClientConnection::new(&client, "localhost")?;
/// let mut wire = Vec::new();
/// client.write_tls(&mut wire)?; // the ClientHello, as a socket would deliver it
///
/// let mut acceptor = Acceptor::default();
/// let mut input = &wire[..];
/// let accepted = loop {
///     acceptor.read_tls(&mut input)?;
///     match acceptor.accept() {
///         Ok(Some(accepted)) => break accepted,
///         Ok(None) => continue, // read more from the socket
///         Err(mut refused) => {
///             // Send the client its alert, then close.
///             refused.write_alert(&mut std::io::sink())?;
///             return Err(refused.into_error().into());
///         }
///     }
/// };
/// let hello = accepted.client_hello();
/// assert_eq!(hello.server_name(), Some("localhost"));
/// let config = match hello.server_name() {
///     Some("localhost") => &tenant_a,
///     _ => return Err("unknown tenant".into()),
/// };
/// let server = accepted.into_connection(config).map_err(|e| e.into_error())?;
/// assert!(server.wants_write()); // ServerHello .. ServerHelloDone
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Acceptor {
    conn: Option<ConnectionCommon>,
    seen: Seen,
}

impl Default for Acceptor {
    fn default() -> Self {
        let seen = Seen::default();
        let reader = HelloReader { seen: seen.clone() };
        Self {
            conn: Some(ConnectionCommon::for_server(Box::new(reader), None)),
            seen,
        }
    }
}

impl Acceptor {
    /// Reads TLS bytes from the client once. `Ok(0)` is the end of the stream. After
    /// [`accept`](Self::accept) has returned the ClientHello or an error, reading fails.
    pub fn read_tls(&mut self, rd: &mut dyn Read) -> io::Result<usize> {
        match &mut self.conn {
            Some(conn) => conn.read_tls(rd),
            None => Err(io::Error::other(
                "this acceptor is used up: it has returned the ClientHello or an error",
            )),
        }
    }

    /// Processes what was read: `Ok(None)` until the ClientHello is whole, then the
    /// [`Accepted`] hello once. A malformed or unexpected first message is an
    /// [`AcceptError`] that carries the fatal alert to send.
    pub fn accept(&mut self) -> Result<Option<Accepted>, AcceptError> {
        let Some(conn) = &mut self.conn else {
            return Err(AcceptError::new(Error::Closed, None));
        };
        if let Err(error) = conn.process_new_packets() {
            return Err(AcceptError::new(error, self.conn.take()));
        }
        let Some((bytes, first)) = self.seen.get() else {
            return Ok(None);
        };
        let (bytes, first) = (bytes.clone(), first.clone());
        Ok(self.conn.take().map(|conn| Accepted { conn, bytes, first }))
    }
}

/// A whole ClientHello, read: look at it with [`client_hello`](Self::client_hello), then
/// continue with [`into_connection`](Self::into_connection).
pub struct Accepted {
    conn: ConnectionCommon,
    bytes: Vec<u8>,
    first: FirstClientHello,
}

impl Accepted {
    /// What the client offered.
    pub fn client_hello(&self) -> ClientHello<'_> {
        ClientHello { first: &self.first }
    }

    /// Continues the handshake with `config`: the returned connection has answered the
    /// ClientHello (its flight waits for `write_tls`), or the error carries the fatal alert
    /// to send (a hello this configuration cannot serve: `handshake_failure`, ...).
    pub fn into_connection(self, config: &ServerConfig) -> Result<ServerConnection, AcceptError> {
        let Self {
            mut conn, bytes, ..
        } = self;
        let handshake = ServerHandshake::new(config.inner.clone());
        match conn.hand_over(Box::new(handshake), &bytes, config.observer.clone()) {
            Ok(_) => Ok(ServerConnection::from_common(conn)),
            Err(error) => Err(AcceptError::new(error, Some(conn))),
        }
    }

    /// Refuses the client without a configuration: `alert` goes to the client (e.g.
    /// `unrecognized_name` for an SNI name no tenant serves, RFC 6066 3), `reason` into the
    /// error.
    pub fn refuse(self, alert: AlertDescription, reason: impl Into<String>) -> AcceptError {
        let mut conn = self.conn;
        let error = conn.fail(Error::AlertSent {
            alert,
            reason: reason.into(),
        });
        AcceptError::new(error, Some(conn))
    }
}

impl fmt::Debug for Accepted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Accepted")
            .field("client_hello", &self.client_hello())
            .finish_non_exhaustive()
    }
}

/// What a client offered in its ClientHello (RFC 5246 7.4.1.2), for choosing a server
/// configuration.
#[derive(Clone, Copy)]
pub struct ClientHello<'a> {
    first: &'a FirstClientHello,
}

impl<'a> ClientHello<'a> {
    /// The SNI host name (RFC 6066 3), lowercased; `None` when the client sent none.
    pub fn server_name(&self) -> Option<&'a str> {
        self.first.server_name()
    }

    /// The ALPN protocols offered (RFC 7301), in the client's order; empty when none.
    pub fn alpn(&self) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        let offered = self.first.hello().extensions.alpn().unwrap_or_default();
        offered.iter().map(|p| p.as_bytes())
    }

    /// The cipher suites offered, in the client's order of preference.
    pub fn cipher_suites(&self) -> &'a [CipherSuite] {
        &self.first.hello().cipher_suites
    }

    /// The signature_algorithms extension (RFC 5246 7.4.1.4.1); empty when absent.
    pub fn signature_schemes(&self) -> &'a [SignatureScheme] {
        self.first
            .hello()
            .extensions
            .signature_algorithms()
            .unwrap_or_default()
    }

    /// `client_version`: the highest version the client supports, as TLS 1.2 reads it.
    pub fn client_version(&self) -> ProtocolVersion {
        self.first.hello().client_version
    }

    /// The supported_versions extension (RFC 8446 4.2.1), in the client's order; empty when
    /// absent (a TLS 1.2-only client).
    pub fn supported_versions(&self) -> &'a [ProtocolVersion] {
        self.first
            .hello()
            .extensions
            .supported_versions()
            .unwrap_or_default()
    }
}

impl fmt::Debug for ClientHello<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientHello")
            .field("server_name", &self.server_name())
            .field("alpn", &self.alpn().collect::<Vec<_>>())
            .field("cipher_suites", &self.cipher_suites())
            .field("signature_schemes", &self.signature_schemes())
            .field("client_version", &self.client_version())
            .field("supported_versions", &self.supported_versions())
            .finish()
    }
}

/// Why an [`Acceptor`] or [`Accepted::into_connection`] refused the client, with the fatal
/// alert record to send it (write it, then close: the client learns why instead of seeing a
/// reset).
#[derive(Debug)]
pub struct AcceptError {
    error: Error,
    alert: Vec<u8>,
}

impl AcceptError {
    fn new(error: Error, conn: Option<ConnectionCommon>) -> Self {
        let mut alert = Vec::new();
        if let Some(mut conn) = conn {
            while conn.wants_write() {
                // Writing to a Vec cannot fail.
                if conn.write_tls(&mut alert).is_err() {
                    break;
                }
            }
        }
        Self { error, alert }
    }

    /// What went wrong.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// What went wrong, taken out.
    pub fn into_error(self) -> Error {
        self.error
    }

    /// The TLS bytes to send the client (its fatal alert record); empty when there is
    /// nothing to send (the client itself sent a fatal alert).
    pub fn alert_bytes(&self) -> &[u8] {
        &self.alert
    }

    /// Writes [`alert_bytes`](Self::alert_bytes) to `wr`.
    pub fn write_alert(&mut self, wr: &mut dyn Write) -> io::Result<()> {
        wr.write_all(&self.alert)
    }
}

impl fmt::Display for AcceptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for AcceptError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<AcceptError> for Error {
    fn from(e: AcceptError) -> Self {
        e.error
    }
}
