//! Command-line parsing. Small enough to do by hand.

pub const USAGE: &str = "\
usage: server [COMMAND]

commands:
  serve (default)           serve the shop on LEPTOS_SITE_ADDR (see README: Configuration)
  worker                    run background jobs only (emails, expiry, webhooks); scale these apart from web servers
  jobs dead                 list jobs that failed every try
  jobs retry ID | --all     queue dead jobs again with a fresh set of tries
  create-admin --email E    make the account with email E an admin, creating it if there is none (its password
                            from standard input when piped, else a generated one printed once)
  migrate                   apply database migrations and exit
  seed --demo               load the deterministic demo catalog (replaces the catalog)
  seed --products N         add N generated products (up to 1,000,000) for scale tests
  seed --orders N           add N generated orders (up to 1,000,000) for scale tests of the back office
  help                      show this text";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    Seed(SeedArgs),
    Worker,
    Jobs(JobsCommand),
    CreateAdmin { email: String },
    Help,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobsCommand {
    Dead,
    /// One dead job by id, or all of them.
    Retry(Option<i64>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedArgs {
    Demo,
    Products(u32),
    Orders(u32),
}

pub const MAX_GENERATED: u32 = 1_000_000;

pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let command = match args.next().as_deref() {
        None | Some("serve") => Command::Serve,
        Some("migrate") => Command::Migrate,
        Some("worker") => Command::Worker,
        Some("jobs") => match (args.next().as_deref(), args.next()) {
            (Some("dead"), None) => Command::Jobs(JobsCommand::Dead),
            (Some("retry"), Some(target)) if target == "--all" => {
                Command::Jobs(JobsCommand::Retry(None))
            }
            (Some("retry"), Some(id)) => Command::Jobs(JobsCommand::Retry(Some(
                id.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("jobs retry takes a job id or --all, not {id:?}"))?,
            ))),
            _ => return Err("jobs takes dead, or retry ID | --all".into()),
        },
        Some("create-admin") => match (args.next().as_deref(), args.next()) {
            (Some("--email"), Some(email)) => Command::CreateAdmin { email },
            _ => return Err("create-admin takes --email EMAIL".into()),
        },
        Some("help" | "--help" | "-h") => Command::Help,
        Some("seed") => match (args.next().as_deref(), args.next()) {
            (Some("--demo"), None) => Command::Seed(SeedArgs::Demo),
            (Some("--products"), Some(n)) => {
                let n: u32 = n
                    .parse()
                    .map_err(|_| format!("--products takes a number, not {n:?}"))?;
                if !(1..=MAX_GENERATED).contains(&n) {
                    return Err(format!("--products takes 1 to {MAX_GENERATED}"));
                }
                Command::Seed(SeedArgs::Products(n))
            }
            (Some("--orders"), Some(n)) => {
                let n: u32 = n
                    .parse()
                    .map_err(|_| format!("--orders takes a number, not {n:?}"))?;
                if !(1..=MAX_GENERATED).contains(&n) {
                    return Err(format!("--orders takes 1 to {MAX_GENERATED}"));
                }
                Command::Seed(SeedArgs::Orders(n))
            }
            _ => return Err("seed takes --demo, --products N or --orders N".into()),
        },
        Some(other) => return Err(format!("unknown command {other:?}")),
    };
    match args.next() {
        Some(extra) => Err(format!("unexpected argument {extra:?}")),
        None => Ok(command),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Command, String> {
        parse(s.split_whitespace().map(String::from))
    }

    #[test]
    fn parses_commands() {
        assert_eq!(p(""), Ok(Command::Serve));
        assert_eq!(p("migrate"), Ok(Command::Migrate));
        assert_eq!(p("worker"), Ok(Command::Worker));
        assert_eq!(p("jobs dead"), Ok(Command::Jobs(JobsCommand::Dead)));
        assert_eq!(
            p("jobs retry 12"),
            Ok(Command::Jobs(JobsCommand::Retry(Some(12))))
        );
        assert_eq!(
            p("jobs retry --all"),
            Ok(Command::Jobs(JobsCommand::Retry(None)))
        );
        assert_eq!(p("seed --demo"), Ok(Command::Seed(SeedArgs::Demo)));
        assert_eq!(
            p("create-admin --email boss@shop.test"),
            Ok(Command::CreateAdmin {
                email: "boss@shop.test".into()
            })
        );
        assert_eq!(
            p("seed --products 1000"),
            Ok(Command::Seed(SeedArgs::Products(1000)))
        );
        assert_eq!(
            p("seed --orders 20"),
            Ok(Command::Seed(SeedArgs::Orders(20)))
        );
    }

    #[test]
    fn refuses_bad_input() {
        for bad in [
            "seed",
            "seed --products",
            "seed --products -1",
            "seed --products 0",
            "seed --orders 0",
            "seed --orders many",
            "seed --products 1000001",
            "nope",
            "create-admin",
            "create-admin boss@shop.test",
            "migrate now",
            "jobs",
            "jobs retry",
            "jobs retry x",
            "jobs retry -3",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }
}
