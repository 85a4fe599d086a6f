//! Command-line parsing. Small enough to do by hand.

pub const USAGE: &str = "\
usage: server [COMMAND]

commands:
  serve (default)           serve the shop on LEPTOS_SITE_ADDR (see README: Configuration)
  migrate                   apply database migrations and exit
  seed --demo               load the deterministic demo catalog (replaces the catalog)
  seed --products N         add N generated products (up to 1,000,000) for scale tests
  help                      show this text";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    Seed(SeedArgs),
    Help,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedArgs {
    Demo,
    Products(u32),
}

pub const MAX_GENERATED: u32 = 1_000_000;

pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let command = match args.next().as_deref() {
        None | Some("serve") => Command::Serve,
        Some("migrate") => Command::Migrate,
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
            _ => return Err("seed takes --demo or --products N".into()),
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
        assert_eq!(p("seed --demo"), Ok(Command::Seed(SeedArgs::Demo)));
        assert_eq!(
            p("seed --products 1000"),
            Ok(Command::Seed(SeedArgs::Products(1000)))
        );
    }

    #[test]
    fn refuses_bad_input() {
        for bad in [
            "seed",
            "seed --products",
            "seed --products -1",
            "seed --products 0",
            "seed --products 1000001",
            "nope",
            "migrate now",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }
}
