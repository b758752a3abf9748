//! `pestle user add|disable|list`: staff accounts from the command line. There are no default
//! accounts: the first admin is made here. A password comes from a no-echo prompt (on a
//! terminal) or from stdin (`--password-stdin`); otherwise a one-time setup link is printed for
//! the new colleague to set their own. Every change is written to the audit log as "cli".

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use crate::config::Settings;
use crate::staff::{Email, Role, new_token, password};
use crate::store::{self, NewAuditEntry, NewUser, Session, Store, StoreError};

/// How the new account's password is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordFrom {
    /// Prompt on the terminal when there is one, else print a setup link.
    Default,
    Stdin,
    SetupLink,
}

fn now() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

async fn audit(store: &dyn Store, action: &str, subject: &str, detail: &str) -> anyhow::Result<()> {
    store
        .append_audit(&NewAuditEntry {
            at: now(),
            actor: "cli".to_owned(),
            action: action.to_owned(),
            subject: subject.to_owned(),
            detail: detail.to_owned(),
            ip: String::new(),
        })
        .await?;
    Ok(())
}

async fn open(settings: &Settings) -> anyhow::Result<std::sync::Arc<dyn Store>> {
    let store = store::connect(settings.database_url()).await?;
    store.migrate().await?;
    Ok(store)
}

pub async fn add(
    settings: &Settings,
    email: &str,
    role: &str,
    from: PasswordFrom,
) -> anyhow::Result<ExitCode> {
    let email = match Email::parse(email) {
        Ok(email) => email,
        Err(problem) => return usage(&format!("{email:?}: {problem}")),
    };
    let role = match Role::parse(role) {
        Ok(role) => role,
        Err(problem) => return usage(&problem),
    };
    let from = match from {
        PasswordFrom::Default if std::io::stdin().is_terminal() => None,
        PasswordFrom::Default | PasswordFrom::SetupLink => Some(PasswordFrom::SetupLink),
        PasswordFrom::Stdin => Some(PasswordFrom::Stdin),
    };
    let typed = match from {
        None => {
            let first = rpassword::prompt_password(format!("Password for {}: ", email.as_str()))?;
            let again = rpassword::prompt_password("The same password again: ")?;
            if first != again {
                return usage("the two passwords are not the same; nothing was changed");
            }
            Some(first)
        }
        Some(PasswordFrom::Stdin) => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            Some(line.trim_end_matches(['\r', '\n']).to_owned())
        }
        Some(_) => None,
    };
    let password_hash = match typed {
        Some(typed) => match password::NewPassword::parse(&typed) {
            Ok(new) => Some(password::hash(&new)?),
            Err(problem) => return usage(&format!("password: {problem}; nothing was changed")),
        },
        None => None,
    };
    let store = open(settings).await?;
    let with_password = password_hash.is_some();
    let id = match store
        .create_user(&NewUser {
            email: email.as_str().to_owned(),
            role: role.slug().to_owned(),
            password_hash,
            created_at: now(),
        })
        .await
    {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => {
            return usage(&format!("{} already has an account", email.as_str()));
        }
        Err(error) => return Err(error.into()),
    };
    audit(store.as_ref(), "user.added", email.as_str(), role.slug()).await?;
    println!("added {} ({})", email.as_str(), role.slug());
    if role.needs_two_factor() {
        println!("two-factor sign-in will be set up at the first sign-in");
    }
    if !with_password {
        let (token, token_hash) = new_token();
        let (csrf_token, _) = new_token();
        let at = now();
        store
            .create_session(&Session {
                token_hash,
                user_id: id,
                stage: "setup".to_owned(),
                csrf_token,
                created_at: at,
                last_seen_at: at,
            })
            .await?;
        let link = settings.public_url.join(&format!("staff/setup/{token}"))?;
        println!("one-time setup link (works for 24 hours): {link}");
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn disable(settings: &Settings, email: &str) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let email = email.trim().to_lowercase();
    let Some(mut user) = store.user_by_email(&email).await? else {
        return usage(&format!("no account for {email}"));
    };
    user.disabled = true;
    // Ends its sessions in the same transaction.
    store.update_user(&user).await?;
    audit(store.as_ref(), "user.disabled", &email, "").await?;
    println!("disabled {email}; its sessions are ended");
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn list(settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let users = store.users().await?;
    if users.is_empty() {
        println!("no accounts yet: add one with `pestle user add EMAIL --role admin`");
    }
    for user in users {
        let two_factor = if user.totp_sealed.is_some() {
            "two-factor on"
        } else {
            "two-factor off"
        };
        let state = if user.disabled {
            "disabled"
        } else if user.password_hash.is_none() {
            "waiting for setup"
        } else {
            "active"
        };
        println!("{}\t{}\t{two_factor}\t{state}", user.email, user.role);
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

fn usage(message: &str) -> anyhow::Result<ExitCode> {
    eprintln!("error: {message}");
    Ok(ExitCode::from(2))
}
