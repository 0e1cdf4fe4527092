//! TicketKeyFile: created 0600 with one key when missing, read by a second server as it is,
//! rotated atomically (the new key seals, the old one still opens), re-read by a running
//! server, and refused when malformed.

use std::sync::Arc;

use mtls::{TicketKeyFile, Ticketer};
use mtls_testkit::process::TempDir;

#[test]
fn a_missing_file_is_created_private_with_one_key_and_shared_as_it_is() {
    let dir = TempDir::new("ticket-keys");
    let path = dir.0.join("keys");
    let a = TicketKeyFile::open(&path, 3600).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text.lines().filter(|l| l.starts_with("current ")).count(),
        1
    );
    assert!(!text.contains("previous "));
    // A second server reads the same key: a ticket of one opens on the other.
    let b = TicketKeyFile::open(&path, 3600).unwrap();
    assert_eq!(a.current_key_name(), b.current_key_name());
    let ticket = a.seal(b"session state").unwrap();
    let opened = b.open(&ticket).unwrap();
    assert_eq!(&opened.plaintext[..], b"session state");
    assert!(!opened.renew);
}

#[test]
fn rotation_makes_a_new_current_key_and_keeps_the_old_one_for_opening() {
    let dir = TempDir::new("ticket-keys-rotate");
    let path = dir.0.join("keys");
    let server = Arc::new(TicketKeyFile::open(&path, 3600).unwrap());
    let before = server.current_key_name();
    let old_ticket = server.seal(b"old").unwrap();

    TicketKeyFile::rotate(&path).unwrap();
    server.reload().unwrap();
    assert_ne!(server.current_key_name(), before);
    // The old ticket still opens, and asks to be renewed; new tickets use the new key.
    assert!(server.open(&old_ticket).unwrap().renew);
    assert!(!server.open(&server.seal(b"new").unwrap()).unwrap().renew);

    // A second rotation forgets the first key.
    TicketKeyFile::rotate(&path).unwrap();
    server.reload().unwrap();
    assert!(server.open(&old_ticket).is_none());
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text.lines().filter(|l| l.starts_with("previous ")).count(),
        1
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "mode {mode:o} after rotation");
    }
}

#[test]
fn a_malformed_file_is_refused_and_a_running_server_keeps_its_keys() {
    let dir = TempDir::new("ticket-keys-bad");
    let path = dir.0.join("keys");
    for bad in [
        "",
        "previous 00112233445566778899aabbccddeeff 00\n",
        "current 0011 2233\n",
        "current 00112233445566778899aabbccddeeff zz\n",
        "nextkey 00112233445566778899aabbccddeeff 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
    ] {
        std::fs::write(&path, bad).unwrap();
        let e = TicketKeyFile::open(&path, 3600).err().expect("refused");
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData, "{bad:?}: {e}");
    }
    std::fs::remove_file(&path).unwrap();
    let server = TicketKeyFile::open(&path, 3600).unwrap();
    let name = server.current_key_name();
    std::fs::write(&path, "garbage\n").unwrap();
    assert!(server.reload().is_err());
    assert_eq!(server.current_key_name(), name);
}
