//! The core's outputs and deliveries as the JavaScript side performs them: one JSON array per
//! step, a verb first, then its operands, which the shim's `perform` switches on.
//!
//! | step | operands | the shim |
//! |------|----------|----------|
//! | `open` | socket, url | `new WebSocket(url)` |
//! | `send` | socket, text | `ws.send(text)` |
//! | `close` | socket | `ws.close()` |
//! | `fetch` | request, method, url, `[[name, value]]`, body or null, keepalive | `fetch` |
//! | `abort` | request | aborts the fetch |
//! | `persist` | session id or null, cookie | `sessionStorage` and `document.cookie` |
//! | `clickToDial` | class or null | the delegated click listener |
//! | `hide` | `[element id]` | adds class `well-dn` |
//! | `download` | file name, text | an `<a download>` of a Blob |
//! | `alert` | text | the page's notifier, else `window.alert` |
//! | `confirm` | dialog, text | the notifier, else `window.confirm`; answers `Core.confirm` |
//! | `insertClock` | | the status clock element |
//! | `ui` | event | `wellClient.ui.main(event)` |
//! | `event` | event, `[target]` | each target in order: `0` is `exports`, others handler ids |
//! | `log` | kind, content, console | `onLog({type, content})`, and the console |
//! | `console` | text | `console.log(text)` |
//! | `settle` | command, ok, value (absent: `undefined`) | the command's Deferred |
//!
//! Event payloads are JSON already and go in as they are, so the shim parses each event once.

use crate::client::{stored, Delivery, Output, Target};
use crate::json::{int_text, write_int, write_string};

/// One step being written: `["verb", operand, ...]`.
struct Step(String);

impl Step {
    fn new(verb: &str, capacity: usize) -> Self {
        let mut text = String::with_capacity(verb.len() + capacity + 8);
        text.push_str("[\"");
        text.push_str(verb);
        text.push('"');
        Step(text)
    }

    fn text(mut self, text: &str) -> Self {
        self.0.push(',');
        write_string(text, &mut self.0);
        self
    }

    fn optional_text(self, text: Option<&str>) -> Self {
        match text {
            Some(text) => self.text(text),
            None => self.json("null"),
        }
    }

    fn id(self, id: u32) -> Self {
        self.json(&int_text(i64::from(id)))
    }

    fn flag(self, flag: bool) -> Self {
        self.json(if flag { "true" } else { "false" })
    }

    /// An operand that is JSON text already.
    fn json(mut self, json: &str) -> Self {
        self.0.push(',');
        self.0.push_str(json);
        self
    }

    /// An array of strings.
    fn texts<'a>(mut self, texts: impl IntoIterator<Item = &'a str>) -> Self {
        self.0.push_str(",[");
        for (i, text) in texts.into_iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            write_string(text, &mut self.0);
        }
        self.0.push(']');
        self
    }

    fn end(mut self) -> String {
        self.0.push(']');
        self.0
    }
}

/// The step of an output.
pub(super) fn output(output: &Output) -> String {
    match output {
        Output::WsOpen { socket, url } => Step::new("open", url.len()).id(socket.0).text(url),
        Output::WsSend { socket, text } => Step::new("send", text.len()).id(socket.0).text(text),
        Output::WsClose { socket } => Step::new("close", 0).id(socket.0),
        Output::Http { id, request } => {
            let body = request.body.as_deref();
            let mut step = Step::new("fetch", request.url.len() + body.map_or(0, str::len))
                .id(id.0)
                .text(request.method.as_str())
                .text(&request.url);
            step.0.push_str(",[");
            for (i, (name, value)) in request.headers.iter().enumerate() {
                step.0.push_str(if i > 0 { ",[" } else { "[" });
                write_string(name, &mut step.0);
                step.0.push(',');
                write_string(value, &mut step.0);
                step.0.push(']');
            }
            step.0.push(']');
            step.optional_text(body).flag(request.keepalive)
        }
        Output::HttpAbort { id } => Step::new("abort", 0).id(id.0),
        Output::PersistSession {
            session_id,
            cookie_name,
            secure,
        } => {
            let id = session_id.as_deref();
            Step::new("persist", 64)
                .optional_text(id)
                .text(&stored::session_cookie(cookie_name, id, *secure))
        }
        Output::ClickToDial(class) => Step::new("clickToDial", 16).optional_text(class.as_deref()),
        Output::HideButtons(ids) => Step::new("hide", 32).texts(ids.iter().map(String::as_str)),
        Output::Download { file_name, text } => {
            Step::new("download", text.len()).text(file_name).text(text)
        }
        Output::Alert(text) => Step::new("alert", text.len()).text(text),
        Output::Confirm { id, text } => Step::new("confirm", text.len()).id(id.0).text(text),
        Output::InsertClock => Step::new("insertClock", 0),
    }
    .end()
}

/// The step of a delivery.
pub(super) fn delivery(delivery: Delivery) -> String {
    match delivery {
        Delivery::Ui { payload } => Step::new("ui", payload.len()).json(&payload),
        Delivery::Event {
            mut payload,
            targets,
        } => {
            // Events are most of what crosses: the event's text becomes the step itself
            // rather than being copied into a new one.
            payload.insert_str(0, "[\"event\",");
            let mut step = Step(payload);
            step.0.push_str(",[");
            for (i, target) in targets.iter().enumerate() {
                if i > 0 {
                    step.0.push(',');
                }
                let id = match target {
                    Target::Exports => 0,
                    Target::Handler(id) => id.0,
                };
                write_int(i64::from(id), &mut step.0);
            }
            step.0.push(']');
            step
        }
        Delivery::Log {
            kind,
            content,
            console,
        } => Step::new("log", content.len())
            .text(kind.as_str())
            .text(&content)
            .flag(console),
        Delivery::Console(line) => Step::new("console", line.len()).text(&line),
        Delivery::Settle { command, result } => {
            let step = Step::new("settle", 64).id(command.0);
            match result {
                Ok(None) => step.flag(true),
                Ok(Some(value)) => step.flag(true).json(&value),
                Err(rejection) => step.flag(false).json(&rejection),
            }
        }
    }
    .end()
}
