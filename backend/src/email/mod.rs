//! Email: messages built from templates ([`templates`]) and sent over SMTP with lettre, or written as `.eml`
//! files into a folder when no SMTP server is configured (development). Only jobs send email, never a request.

pub mod returns;
pub mod templates;

use super::jobs::JobError;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP: only for a server on the same host or network (a local sink).
    None,
    /// Upgrade with STARTTLS (port 587): required, never silently skipped.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct MailConfig {
    /// SMTP when set; otherwise messages are written to `dir`.
    pub smtp: Option<SmtpConfig>,
    pub dir: PathBuf,
    /// `Shop <shop@example.com>`.
    pub from: String,
    /// Where staff alerts (low stock) go.
    pub staff: String,
    /// The shop's address, for links in messages (`https://shop.example`).
    pub public_url: String,
    pub shop_name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("{0} is not a valid address: {1}")]
    Address(&'static str, String),
    #[error("SMTP setup: {0}")]
    Smtp(String),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
}

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    pub staff: String,
    pub public_url: String,
    pub shop_name: String,
    /// Where messages go, for the log line at start-up.
    pub describe: String,
}

impl Mailer {
    pub fn new(config: &MailConfig) -> Result<Self, MailSetupError> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e: lettre::address::AddressError| {
                MailSetupError::Address("from", e.to_string())
            })?;
        config
            .staff
            .parse::<Mailbox>()
            .map_err(|e| MailSetupError::Address("staff", e.to_string()))?;
        let (transport, describe) = match &config.smtp {
            Some(smtp) => {
                let builder = match smtp.tls {
                    SmtpTls::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
                    }
                    SmtpTls::StartTls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                            .map_err(|e| MailSetupError::Smtp(e.to_string()))?
                    }
                    SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                        .map_err(|e| MailSetupError::Smtp(e.to_string()))?,
                };
                let mut builder = builder
                    .port(smtp.port)
                    .timeout(Some(std::time::Duration::from_secs(20)));
                if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                (
                    Transport::Smtp(builder.build()),
                    format!("smtp://{}:{} ({:?})", smtp.host, smtp.port, smtp.tls),
                )
            }
            None => {
                std::fs::create_dir_all(&config.dir).map_err(|e| {
                    MailSetupError::Smtp(format!("mail folder {}: {e}", config.dir.display()))
                })?;
                (
                    Transport::File(AsyncFileTransport::new(&config.dir)),
                    format!("files in {}", config.dir.display()),
                )
            }
        };
        Ok(Mailer {
            transport,
            from,
            staff: config.staff.clone(),
            public_url: config.public_url.trim_end_matches('/').to_string(),
            shop_name: config.shop_name.clone(),
            describe,
        })
    }

    /// Sends one message: plain text and HTML alternatives. A refused recipient address is permanent; a mail
    /// server that cannot be reached is worth another try.
    pub async fn send(&self, email: &Email) -> Result<(), JobError> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| JobError::Permanent(format!("recipient address: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(email.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(email.html.clone()),
                    ),
            )
            .map_err(|e| JobError::Permanent(format!("building the message: {e}")))?;
        match &self.transport {
            Transport::Smtp(smtp) => match smtp.send(message).await {
                Ok(_) => Ok(()),
                Err(e) if e.is_permanent() => {
                    Err(JobError::Permanent(format!("SMTP refused: {e}")))
                }
                Err(e) => Err(JobError::Retry(format!("SMTP: {e}"))),
            },
            Transport::File(file) => file
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| JobError::Retry(format!("writing mail file: {e}"))),
        }
    }
}
