//! Client and server connections.

use std::ops::{Deref, DerefMut};

use mtls_crypto::SecureRandom;
use mtls_handshake::{ClientHandshake, ServerHandshake};

use crate::config::{ClientConfig, ServerConfig};
use crate::conn::ConnectionCommon;
use crate::error::Error;

/// The client side of a mutual-TLS connection (TLS 1.3 or 1.2), sans IO: move bytes with
/// [`read_tls`](ConnectionCommon::read_tls) / [`write_tls`](ConnectionCommon::write_tls), then
/// [`process_new_packets`](ConnectionCommon::process_new_packets); or wrap it in a
/// [`Stream`](crate::Stream).
pub struct ClientConnection {
    common: ConnectionCommon,
}

impl ClientConnection {
    /// A connection to `server_name` (DNS name, sent as SNI, or IP address); the ClientHello
    /// is queued for writing at once.
    pub fn new(config: &ClientConfig, server_name: &str) -> Result<Self, Error> {
        let (hs, actions) = ClientHandshake::new(config.inner.clone(), Some(server_name))?;
        Self::start(config, Box::new(hs), actions)
    }

    /// As [`ClientConnection::new`] with an injected random source (reproducible tests).
    pub fn with_rng(
        config: &ClientConfig,
        server_name: &str,
        rng: Box<dyn SecureRandom + Send>,
    ) -> Result<Self, Error> {
        let (hs, actions) =
            ClientHandshake::with_rng(config.inner.clone(), Some(server_name), rng)?;
        Self::start(config, Box::new(hs), actions)
    }

    fn start(
        config: &ClientConfig,
        hs: Box<dyn mtls_handshake::Handshake>,
        actions: Vec<mtls_handshake::Action>,
    ) -> Result<Self, Error> {
        let mut common = ConnectionCommon::for_client(hs, actions, config.observer.clone())?;
        if config.inner.offers_tls13() {
            common.offer_tls13();
        }
        Ok(Self { common })
    }
}

impl Deref for ClientConnection {
    type Target = ConnectionCommon;
    fn deref(&self) -> &ConnectionCommon {
        &self.common
    }
}

impl DerefMut for ClientConnection {
    fn deref_mut(&mut self) -> &mut ConnectionCommon {
        &mut self.common
    }
}

/// The server side of a mutual-TLS connection (TLS 1.3 or 1.2), sans IO.
pub struct ServerConnection {
    common: ConnectionCommon,
}

impl ServerConnection {
    /// A connection waiting for a ClientHello.
    pub fn new(config: &ServerConfig) -> Result<Self, Error> {
        let hs = ServerHandshake::new(config.inner.clone());
        Ok(Self::from_common(ConnectionCommon::for_server(
            Box::new(hs),
            config.observer.clone(),
        )))
    }

    /// A connection around a common part whose handshake is already under way (the
    /// [`crate::server::Acceptor`]'s).
    pub(crate) fn from_common(common: ConnectionCommon) -> Self {
        Self { common }
    }

    /// As [`ServerConnection::new`] with an injected random source (reproducible tests).
    pub fn with_rng(
        config: &ServerConfig,
        rng: Box<dyn SecureRandom + Send>,
    ) -> Result<Self, Error> {
        let hs = ServerHandshake::with_rng(config.inner.clone(), rng);
        Ok(Self::from_common(ConnectionCommon::for_server(
            Box::new(hs),
            config.observer.clone(),
        )))
    }
}

impl ServerConnection {
    /// Asks the client for a certificate now, on an established TLS 1.3 connection
    /// (post-handshake authentication, RFC 8446 4.6.2): the CertificateRequest is queued for
    /// [`write_tls`](ConnectionCommon::write_tls), and once the client's answer has been
    /// processed and verified, [`peer_certificates`](ConnectionCommon::peer_certificates) and
    /// [`peer_identity`](ConnectionCommon::peer_identity) say who it is. A client that sends
    /// no certificate, or one the verifier refuses, ends the connection with
    /// `certificate_required` or the verifier's alert.
    ///
    /// [`Error::Unavailable`] (the connection goes on) when the connection is TLS 1.2, the
    /// client did not offer post_handshake_auth, or a request is already in flight.
    pub fn request_client_certificate(&mut self) -> Result<(), Error> {
        self.common
            .post_handshake(mtls_handshake::PostHandshakeRequest::RequestClientCertificate)
    }
}

impl Deref for ServerConnection {
    type Target = ConnectionCommon;
    fn deref(&self) -> &ConnectionCommon {
        &self.common
    }
}

impl DerefMut for ServerConnection {
    fn deref_mut(&mut self) -> &mut ConnectionCommon {
        &mut self.common
    }
}
