//! `mtls ticket-keys`: the file of session ticket keys that `mtls server --ticket-keys`
//! processes share (see `mtls::TicketKeyFile`).

use std::path::PathBuf;

/// What to do with the file.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Make a fresh key current and keep the current one as the previous one (tickets it
    /// sealed still resume, and are renewed); the key before is forgotten. Creates FILE
    /// (mode 0600) if missing. Running servers pick the change up within a second.
    Rotate {
        /// The key file.
        file: PathBuf,
    },
}

/// Runs the subcommand.
pub fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Rotate { file } => {
            mtls::TicketKeyFile::rotate(&file)
                .map_err(|e| format!("ticket-keys rotate {}: {e}", file.display()))?;
            let keys = mtls::TicketKeyFile::open(&file, 1)
                .map_err(|e| format!("{}: {e}", file.display()))?;
            eprintln!(
                "{}: current key {} (the previous one still opens tickets)",
                file.display(),
                keys.current_key_name()
            );
            Ok(())
        }
    }
}
