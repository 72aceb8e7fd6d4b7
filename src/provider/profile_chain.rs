//! How a profile's credentials are resolved when the network sources are
//! built in: the chain of roles a profile leads to, as the AWS SDKs
//! resolve it.
//!
//! ```text
//! [profile app]  role_arn = …app   source_profile = ci     ─┐  roles, applied
//! [profile ci]   role_arn = …ci    credential_source = Environment ─┘  from the base up
//!                                  └─► base: the environment's keys
//! ```
//! - A profile with `role_arn` (and no `web_identity_token_file`) is a
//!   role to assume with the credentials of its `source_profile` or its
//!   `credential_source` (one of the two, never both).
//! - After the first profile, keys win: a source profile with
//!   `aws_access_key_id` is the base even if it has a `role_arn`.
//! - A `source_profile` naming its own profile makes that profile's keys
//!   the base of its own role; any other loop is an error.
//! - Otherwise the profile is the base: its `credential_source`, else its
//!   web identity (`web_identity_token_file` + `role_arn`), else its IAM
//!   Identity Center role, else its keys or `credential_process`.

use super::profile::SharedFiles;
use super::remote::Remote;
use super::sso::{SsoProfile, SSO_SETTINGS};
use super::sts::{self, RoleRequest};
use super::transport::SharedHttpClient;
use super::web_identity::{assume_role_with_token_file, generated_session_name};
use super::{ContainerProvider, Env, EnvProvider, ImdsProvider, ProvideCredentials};
use crate::{Credentials, Error, ProfileProblem};

/// Where the chain's first credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Base {
    /// A profile's keys or `credential_process`.
    KeysOrProcess { profile: String },
    /// A profile's `credential_source`.
    CredentialSource { profile: String, name: String },
    /// A profile's `web_identity_token_file` and `role_arn`.
    WebIdentity {
        role_arn: String,
        token_file: String,
        session_name: Option<String>,
    },
    /// A profile's IAM Identity Center role.
    Sso(SsoProfile),
}

/// A role to assume, from a profile's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Role {
    role_arn: String,
    external_id: Option<String>,
    session_name: Option<String>,
    duration_seconds: Option<u32>,
}

/// The base, then the roles to assume in order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ProfileChain {
    base: Base,
    roles: Vec<Role>,
}

/// The credentials of `selected`, assuming every role on its chain.
pub(crate) fn credentials(
    files: &SharedFiles,
    selected: &str,
    env: &Env,
    client: &SharedHttpClient,
) -> Result<Credentials, Error> {
    let chain = resolve(files, selected)?;
    let remote = Remote {
        env,
        files: Some(files),
        profile: selected,
        client,
        region: None,
    };
    let mut credentials = match &chain.base {
        Base::KeysOrProcess { profile } => files.keys_or_process(profile, env)?,
        Base::CredentialSource { profile, name } => {
            credential_source_provider(name, profile, env, client)?.provide_credentials()?
        }
        Base::WebIdentity {
            role_arn,
            token_file,
            session_name,
        } => assume_role_with_token_file(
            &remote,
            std::path::Path::new(token_file),
            role_arn,
            session_name.as_deref(),
        )?,
        Base::Sso(sso) => sso.credentials(&remote, std::time::SystemTime::now())?,
    };
    for role in &chain.roles {
        let generated;
        let session_name = match &role.session_name {
            Some(name) => name.as_str(),
            None => {
                generated = generated_session_name();
                &generated
            }
        };
        let request = RoleRequest {
            role_arn: &role.role_arn,
            session_name,
            external_id: role.external_id.as_deref(),
            duration_seconds: role.duration_seconds,
        };
        credentials = sts::assume_role(&remote, &credentials, &request)?;
    }
    Ok(credentials)
}

/// The provider a `credential_source` names.
fn credential_source_provider(
    name: &str,
    profile: &str,
    env: &Env,
    client: &SharedHttpClient,
) -> Result<Box<dyn ProvideCredentials + Send + Sync>, Error> {
    let problem = |problem| Error::ProfileConfig {
        profile: profile.to_owned(),
        problem,
    };
    match name {
        "Environment" => Ok(Box::new(EnvProvider::new().env(env.clone()))),
        "Ec2InstanceMetadata" => Ok(Box::new(
            ImdsProvider::new()
                .env(env.clone())
                .shared_client(client.clone()),
        )),
        "EcsContainer" => Ok(Box::new(
            ContainerProvider::new()
                .env(env.clone())
                .shared_client(client.clone()),
        )),
        _ => Err(problem(ProfileProblem::UnknownCredentialSource {
            name: name.to_owned(),
        })),
    }
}

/// Follows `source_profile` from `selected` to the base.
fn resolve(files: &SharedFiles, selected: &str) -> Result<ProfileChain, Error> {
    let mut visited: Vec<String> = Vec::new();
    let mut roles = Vec::new();
    let mut name = selected.to_owned();
    let base = loop {
        if !files.has_profile(&name) {
            return Err(files.not_found(&name));
        }
        if visited.contains(&name) {
            visited.push(name);
            return Err(Error::ProfileConfig {
                profile: selected.to_owned(),
                problem: ProfileProblem::SourceProfileLoop { chain: visited },
            });
        }
        visited.push(name.clone());
        if visited.len() > 1 && files.has_keys(&name) {
            break Base::KeysOrProcess { profile: name };
        }
        let get = |key| files.setting(&name, key).filter(|v| !v.is_empty());
        let problem = |problem| Error::ProfileConfig {
            profile: name.clone(),
            problem,
        };
        let role_arn = match get("role_arn") {
            Some(arn) if get("web_identity_token_file").is_none() => arn,
            _ => break base(files, &name)?,
        };
        roles.push(role(files, &name, role_arn)?);
        match (get("source_profile"), get("credential_source")) {
            (Some(_), Some(_)) => {
                return Err(problem(ProfileProblem::SourceProfileAndCredentialSource))
            }
            (None, None) => return Err(problem(ProfileProblem::NoRoleSource)),
            (Some(source), None) if source == name => break base(files, &name)?,
            (Some(source), None) => name = source.to_owned(),
            (None, Some(source)) => {
                break Base::CredentialSource {
                    name: source.to_owned(),
                    profile: name,
                }
            }
        }
    };
    roles.reverse();
    Ok(ProfileChain { base, roles })
}

/// The role settings of `profile`.
fn role(files: &SharedFiles, profile: &str, role_arn: &str) -> Result<Role, Error> {
    let get = |key| files.setting(profile, key).filter(|v| !v.is_empty());
    let problem = |problem| Error::ProfileConfig {
        profile: profile.to_owned(),
        problem,
    };
    if get("mfa_serial").is_some() {
        return Err(problem(ProfileProblem::MfaRequired));
    }
    let duration_seconds = match get("duration_seconds") {
        None => None,
        Some(value) => Some(
            value
                .parse::<u32>()
                .ok()
                .filter(|d| (900..=43_200).contains(d))
                .ok_or_else(|| problem(ProfileProblem::InvalidDurationSeconds))?,
        ),
    };
    Ok(Role {
        role_arn: role_arn.to_owned(),
        external_id: get("external_id").map(str::to_owned),
        session_name: get("role_session_name").map(str::to_owned),
        duration_seconds,
    })
}

/// A profile that is not (or no longer) a role to assume: where its
/// credentials come from.
fn base(files: &SharedFiles, profile: &str) -> Result<Base, Error> {
    let get = |key| files.setting(profile, key).filter(|v| !v.is_empty());
    if let Some(name) = get("credential_source") {
        return Ok(Base::CredentialSource {
            profile: profile.to_owned(),
            name: name.to_owned(),
        });
    }
    if let Some(token_file) = get("web_identity_token_file") {
        let role_arn = get("role_arn").ok_or_else(|| Error::ProfileConfig {
            profile: profile.to_owned(),
            problem: ProfileProblem::WebIdentityWithoutRoleArn,
        })?;
        return Ok(Base::WebIdentity {
            role_arn: role_arn.to_owned(),
            token_file: token_file.to_owned(),
            session_name: get("role_session_name").map(str::to_owned),
        });
    }
    if SSO_SETTINGS.iter().any(|key| get(key).is_some()) {
        return SsoProfile::from_files(files, profile).map(Base::Sso);
    }
    Ok(Base::KeysOrProcess {
        profile: profile.to_owned(),
    })
}

#[cfg(test)]
mod tests;
