//! A hyper 1 (HTTP/1.1) server running a tower service on a listener of
//! its own, on a thread with a current-thread tokio runtime, until stopped.
//! Shared by the S3 stand-in (`s3_store.rs`) and the API Gateway stand-in
//! (`gateway_server.rs`), each a `VerifyLayer` in front of its app.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tower::{Service, ServiceExt};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A running server. [`HyperServer::stop`] (or dropping it) stops it.
pub struct HyperServer {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HyperServer {
    /// Serves `service` on `listener`, a connection at a time on tasks of
    /// the server's thread (named `name`).
    pub fn start<S, B>(listener: TcpListener, name: &str, service: S) -> io::Result<HyperServer>
    where
        S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: http_body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()?;
        let thread = thread::Builder::new().name(name.into()).spawn({
            let stopping = Arc::clone(&stopping);
            move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    while let Ok((stream, _)) = listener.accept().await {
                        if stopping.load(Ordering::SeqCst) {
                            break;
                        }
                        let service = service.clone();
                        let hyper_service =
                            hyper::service::service_fn(move |req: Request<Incoming>| {
                                service.clone().oneshot(req)
                            });
                        tokio::spawn(async move {
                            // A client that goes away mid-request is no error of ours.
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), hyper_service)
                                .await;
                        });
                    }
                })
            }
        })?;
        Ok(HyperServer {
            addr,
            stopping,
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits for the server's thread, which runs until the process is
    /// stopped (Ctrl-C) unless [`stop`](Self::stop) is called.
    #[allow(dead_code)] // Used by api_gateway's --serve only.
    pub fn join(mut self) -> Result<(), String> {
        match self.thread.take() {
            Some(thread) => thread.join().map_err(|_| self.panicked()),
            None => Ok(()),
        }
    }

    /// Stops the server (connections in progress end with it); a second
    /// call does nothing.
    pub fn stop(&mut self) -> Result<(), String> {
        let Some(thread) = self.thread.take() else {
            return Ok(());
        };
        self.stopping.store(true, Ordering::SeqCst);
        // Wakes the accept loop up.
        let _ = TcpStream::connect(self.addr);
        thread.join().map_err(|_| self.panicked())
    }

    fn panicked(&self) -> String {
        format!("the server thread on {} panicked", self.addr)
    }
}

impl Drop for HyperServer {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}
