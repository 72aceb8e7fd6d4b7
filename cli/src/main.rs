//! `sigv4`: curl for IAM-protected AWS endpoints.
//!
//! ```text
//! flags ──► request ──► region, credentials ──► sign / presign ──► send ──► output
//!  args.rs   request.rs  region.rs               sign.rs            transfer.rs
//!                        credentials.rs          (-T: upload.rs;     (-i, -o, --fail;
//!                                                 --dry-run, -v:      a rejected signature:
//!                                                 show.rs)            explain.rs)
//! ```
//!
//! Every failure is a [`Failure`]: a message on stderr and an exit code,
//! curl's where curl has one (`sigv4 --help` lists them).
#![forbid(unsafe_code)]

mod args;
mod credentials;
mod explain;
mod failure;
mod progress;
mod region;
mod request;
mod show;
mod sign;
mod transfer;
mod upload;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use http::header::HOST;
use http::Response;
use http_sigv4::Env;

use crate::args::Args;
use crate::failure::{code, Failure};
use crate::region::{region_from_host, Region, RegionSource};
use crate::request::Use;
use crate::show::Redactor;
use crate::sign::ServiceSigner;

fn main() -> ExitCode {
    // Usage errors: clap prints them and exits with 2.
    let args = Args::parse();
    if let Some(why) = args.unsupported() {
        stderr(format_args!("sigv4: {why}\n"));
        return ExitCode::from(code::SETUP);
    }
    if let Some(flag) = args.stdin_conflict() {
        stderr(format_args!(
            "sigv4: {flag} and --secret-key-file - cannot both read stdin: put the secret or \
             the data in a file\n"
        ));
        return ExitCode::from(code::SETUP);
    }
    if args.secret_key.is_some() && !args.silent {
        stderr(format_args!(
            "sigv4: {}\n",
            credentials::SECRET_ON_COMMAND_LINE
        ));
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            stderr(format_args!("sigv4: {failure}\n"));
            ExitCode::from(failure.code)
        }
    }
}

fn run(args: &Args) -> Result<(), Failure> {
    let how = match (args.presign, args.dry_run) {
        (Some(_), _) => Use::Presign,
        (None, true) => Use::Print,
        (None, false) => Use::Send,
    };
    let mut req = request::build(args, how, io::stdin().lock())?;
    let host = req.uri().host().unwrap_or_default().to_owned();

    let env = Env::process();
    let region = region::resolve(args.region.as_deref(), &env, args.profile.as_deref(), &host)?;
    if !args.silent {
        warn_if_the_host_disagrees(&region, &host);
        if region.source == RegionSource::Default {
            stderr(format_args!(
                "sigv4: note: signing for region `{}`, as S3-compatible servers and local \
                 stand-ins expect, since `{host}` is not an AWS host name: pass --region if \
                 the server wants another\n",
                region.name
            ));
        }
    }
    let loaded = credentials::load(args, &env, io::stdin().lock())?;
    let redactor = Redactor::new(&loaded.credentials);
    let access_key_id = loaded.credentials.access_key_id().to_owned();
    // SigV4a signs for a region set: --region-set, else the region.
    let region_set = args
        .sigv4a
        .then(|| args.region_set.as_deref().unwrap_or(&region.name));
    let signer = match region_set {
        Some(set) => ServiceSigner::sigv4a(loaded.credentials, set, &args.service),
        None => ServiceSigner::new(loaded.credentials, &region.name, &args.service),
    };
    if args.verbose {
        let scope = match (region_set, &args.region_set) {
            (Some(set), Some(_)) => {
                format!("with SigV4a in region set `{set}` (from --region-set)")
            }
            (Some(set), None) => {
                format!("with SigV4a in region set `{set}` (from {})", region.source)
            }
            (None, _) => format!("in region `{}` (from {})", region.name, region.source),
        };
        stderr(format_args!(
            "* signing for service `{}` {scope} with access key {} (from {})\n",
            args.service, access_key_id, loaded.source
        ));
    }
    if let Some(seconds) = args.presign {
        return presign(args, &signer, req, Duration::from_secs(seconds), &redactor);
    }
    let progress = progress::allowed(args.silent);
    let (signed, stream, upload) = match &args.upload_file {
        Some(path) => {
            let upload = upload::sign(
                &signer,
                &args.service,
                &mut req,
                path,
                progress,
                args.silent,
            )?;
            (upload.output, Some(upload.body), upload.bar)
        }
        None => {
            let signed = signer.sign(&mut req)?;
            let length = Some(req.body().len() as u64);
            let bar = progress::bar(length, progress::show_upload(progress, length), "upload");
            (signed, None, bar)
        }
    };
    request::add_unsigned_headers(&mut req, &args.headers);
    if args.verbose {
        let mut messages = io::stderr().lock();
        let _ = match args.dry_run {
            true => show::write_signing_details(&mut messages, &signed, &redactor),
            false => show::write_verbose_request(&mut messages, &req, &signed, &redactor),
        };
    }
    if args.dry_run {
        let mut stdout = io::stdout().lock();
        return show::write_signed_request(&mut stdout, &req, &redactor)
            .and_then(|()| stdout.flush())
            .map_err(transfer::write_failure);
    }

    let response = transfer::send(&transfer::agent(args), req, stream, &upload)?;
    let context = explain::Context {
        signed: &signed,
        service: &args.service,
        region: &region,
        access_key_id: &access_key_id,
        credentials_source: &loaded.source,
        host: &host,
        redactor: &redactor,
    };
    deliver(args, response, &context)
}

/// `--presign`: prints the URL, and the headers it was signed for (which
/// whoever uses it must send).
fn presign(
    args: &Args,
    signer: &ServiceSigner,
    mut req: http::Request<Vec<u8>>,
    expires_in: Duration,
    redactor: &Redactor,
) -> Result<(), Failure> {
    let signed = signer.presign(&mut req, expires_in)?;
    if args.verbose {
        let _ = show::write_signing_details(&mut io::stderr().lock(), &signed, redactor);
    }
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{}", req.uri())
        .and_then(|()| stdout.flush())
        .map_err(transfer::write_failure)?;
    let others: Vec<&str> = req
        .headers()
        .keys()
        .filter(|name| **name != HOST)
        .map(|name| name.as_str())
        .collect();
    if !others.is_empty() && !args.silent {
        stderr(format_args!(
            "sigv4: note: the URL is signed for these headers too, so send them with it: {}\n",
            others.join(", ")
        ));
    }
    Ok(())
}

/// Writes the answer out, explains a rejected signature, and turns an
/// HTTP error into exit code 22 with `--fail`.
fn deliver(
    args: &Args,
    response: Response<ureq::Body>,
    context: &explain::Context<'_>,
) -> Result<(), Failure> {
    let status = response.status();
    if args.verbose {
        let _ = show::write_verbose_response(
            &mut io::stderr().lock(),
            response.version(),
            status,
            response.headers(),
            context.redactor,
        );
    }
    let http_error = status.as_u16() >= 400;
    let mut out = match http_error && args.fail {
        true => None,
        false => {
            let mut out = transfer::open_output(args.output.as_deref())?;
            if args.include {
                transfer::write_head(&mut out, &response)?;
            }
            Some(out)
        }
    };
    let length = response.body().content_length();
    let mut reader = response.into_body().into_reader();
    // A 403's body is kept to look for the server's canonical request.
    let kept = match status.as_u16() {
        403 => Some(transfer::read_head_of(&mut reader)?),
        _ => None,
    };
    if let Some(out) = &mut out {
        if let Some(kept) = &kept {
            out.write_all(kept).map_err(transfer::write_failure)?;
        }
        let to_terminal = match args.output.as_deref() {
            Some(path) if path.as_os_str() != "-" => false,
            _ => io::stdout().is_terminal(),
        };
        let show = progress::show_download(progress::allowed(args.silent), length, to_terminal);
        let download = progress::bar(length, show, "download");
        let copied = transfer::copy(&mut reader, out, |n| download.inc(n as u64));
        download.finish_and_clear();
        copied?;
        out.flush().map_err(transfer::write_failure)?;
    }
    // --fail printed no body: a 403's goes to stderr, as it says why.
    if let (Some(body), None) = (&kept, &out) {
        stderr(format_args!(
            "sigv4: the server's answer (HTTP {}):\n{}\n",
            status.as_u16(),
            context
                .redactor
                .redact(String::from_utf8_lossy(body).trim_end())
        ));
    }
    if let Some(body) = kept.filter(|body| explain::is_signature_rejection(status.as_u16(), body)) {
        stderr(format_args!(
            "{}",
            explain::explain(status.as_u16(), &body, context)
        ));
    }
    if http_error && args.fails_on_http_error() {
        return Err(Failure::new(
            code::HTTP_RETURNED_ERROR,
            format!("the requested URL returned error: {}", status.as_u16()),
        ));
    }
    Ok(())
}

/// Warns when the region came from the environment or a profile but the
/// host is an AWS endpoint of another region (a 403 is then certain).
fn warn_if_the_host_disagrees(region: &Region, host: &str) {
    if matches!(
        region.source,
        RegionSource::Flag | RegionSource::Host | RegionSource::Default
    ) {
        return;
    }
    if let Some(from_host) = region_from_host(host).filter(|r| *r != region.name) {
        stderr(format_args!(
            "sigv4: warning: signing for region `{}` (from {}), but the host is in `{from_host}`: \
             pass --region {from_host} if that is the one\n",
            region.name, region.source
        ));
    }
}

/// Writes a message to stderr. Unlike `eprintln!`, a closed or broken
/// stderr is no panic: the message is lost, the exit code still tells.
fn stderr(message: std::fmt::Arguments<'_>) {
    let _ = io::stderr().lock().write_fmt(message);
}
