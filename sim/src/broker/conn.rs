//! Drives one WebSocket: bytes to the [`ServerSession`], its actions to the socket and the
//! broker, the broker's deliveries to the socket, and the session's heart-beat deadline.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::{SinkExt, StreamExt};

use super::{Action, Broker, ServerSession, ToConnection};

/// Serves one accepted WebSocket until either side closes it.
pub async fn serve(socket: WebSocket, broker: Arc<Broker>) {
    let started = Instant::now();
    let now = move || started.elapsed().as_millis() as u64;
    let (id, mut from_broker) = broker.open();
    let mut session = ServerSession::new(broker.settings().clone(), format!("session-{id}"), now());
    let (mut sink, mut stream) = socket.split();
    tracing::debug!(connection = id, "websocket opened");
    loop {
        let deadline = session.poll_timeout();
        let sleep = async {
            match deadline {
                Some(at) => {
                    tokio::time::sleep(Duration::from_millis(at.saturating_sub(now()))).await
                }
                None => std::future::pending().await,
            }
        };
        let actions = tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => session.handle_data(text.as_bytes(), now()),
                Some(Ok(Message::Binary(bytes))) => session.handle_data(&bytes, now()),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => Vec::new(),
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
            },
            order = from_broker.recv() => match order {
                Some(ToConnection::Deliver(bytes)) => {
                    session.note_sent(now());
                    vec![Action::Send(bytes)]
                }
                Some(ToConnection::Close) => {
                    let _ = sink
                        .send(Message::Close(Some(CloseFrame {
                            code: 1001,
                            reason: Utf8Bytes::from_static("broker stopped"),
                        })))
                        .await;
                    break;
                }
                Some(ToConnection::Drop) | None => {
                    tracing::debug!(connection = id, "websocket dropped");
                    broker.close(id);
                    return;
                }
            },
            () = sleep => session.handle_timeout(now()),
        };
        if let Some(version) = session.version() {
            broker.set_version(id, version);
        }
        let mut close = false;
        for action in actions {
            match action {
                Action::Send(bytes) => {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    if sink.send(Message::Text(text.into())).await.is_err() {
                        close = true;
                    }
                }
                Action::HeartBeat => {
                    if sink.send(Message::Text("\n".into())).await.is_err() {
                        close = true;
                    }
                }
                Action::Subscribe {
                    id: sub,
                    destination,
                } => broker.subscribe(id, sub, destination),
                Action::Unsubscribe { id: sub } => broker.unsubscribe(id, &sub),
                Action::Publish { destination, body } => {
                    broker.publish(&destination, &body);
                }
                Action::Close => close = true,
            }
        }
        if close {
            let _ = sink.send(Message::Close(None)).await;
            break;
        }
    }
    broker.close(id);
    tracing::debug!(connection = id, "websocket closed");
}
