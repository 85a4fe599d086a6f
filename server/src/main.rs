//! `server` serves the shop; `server seed …` fills the catalog; `server migrate` applies migrations.
//! See `server --help`.

use server::{cli, config::Config, seed, startup, telemetry};

/// mimalloc instead of glibc's malloc: a rendered page makes thousands of small, short-lived allocations across
/// the runtime's threads, where glibc's allocator spends a fifth of the server's CPU (`scripts/bench-catalog`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let command = match cli::parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("{message}\n\n{}", cli::USAGE);
            return std::process::ExitCode::from(2);
        }
    };
    if matches!(command, cli::Command::Help) {
        println!("{}", cli::USAGE);
        return std::process::ExitCode::SUCCESS;
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(&config);
    let result = match command {
        cli::Command::Serve => startup::serve(config).await,
        cli::Command::Migrate => startup::migrate_only(&config).await,
        cli::Command::Worker => startup::worker(config).await,
        cli::Command::Jobs(command) => startup::jobs(&config, command).await,
        cli::Command::CreateAdmin { email } => startup::create_admin(&config, &email).await,
        cli::Command::Seed(args) => seed::run(&config, args).await,
        cli::Command::Help => Ok(()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "exiting");
            std::process::ExitCode::FAILURE
        }
    }
}
