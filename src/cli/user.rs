//! `pestle user add|disable|list`: staff accounts from the command line. There are no default
//! accounts: the first admin is made here. A password comes from a no-echo prompt (on a
//! terminal) or from stdin (`--password-stdin`); otherwise a one-time setup link is printed for
//! the new colleague to set their own. Every change is written to the audit log as "cli".

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use crate::config::Settings;
use crate::staff::audit::{Actor, Entry};
use crate::staff::sign_in::new_session;
use crate::staff::{Email, Role, Stage, password};
use crate::store::{self, NewUser, Store, StoreError};

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

async fn audit(
    store: &dyn Store,
    action: &'static str,
    subject: &str,
    detail: &str,
) -> anyhow::Result<()> {
    Entry::new(Actor::Cli, action)
        .subject(subject)
        .detail(detail)
        .record(store, now())
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
        Some(typed) => match password::NewPassword::parse_for(&typed, email.as_str()) {
            Ok(new) => Some(password::hash_off_thread(new).await?),
            Err(problem) => return usage(&format!("password: {problem}; nothing was changed")),
        },
        None => None,
    };
    let store = open(settings).await?;
    let with_password = password_hash.is_some();
    let id = match store
        .create_user(&NewUser {
            email: email.as_str().to_owned(),
            role,
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
        let (token, link) = new_session(id, Stage::Setup, now());
        store.issue_setup_link(&link).await?;
        let link = settings.public_url.join(&format!("staff/setup/{token}"))?;
        println!("one-time setup link (works for 24 hours): {link}");
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn disable(settings: &Settings, email: &str) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let email = email.trim().to_lowercase();
    let Some(user) = store.user_by_email(&email).await? else {
        return usage(&format!("no account for {email}"));
    };
    audit(store.as_ref(), "user.disabled", &email, "").await?;
    // Only `disabled` changes; its sessions end in the same transaction.
    store.set_disabled(user.id, true).await?;
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
        println!(
            "{}\t{}\t{two_factor}\t{state}",
            user.email,
            user.role.slug()
        );
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

fn usage(message: &str) -> anyhow::Result<ExitCode> {
    eprintln!("error: {message}");
    Ok(ExitCode::from(2))
}
