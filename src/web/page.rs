//! The host page: the session id kept in `sessionStorage` and a cookie, the click-to-dial
//! listener, hidden buttons, the log download link, the status clock element, and the browser's
//! own dialogs. Only what the core asks for is written (DECISIONS.md §2 row 31).

use js_sys::{Array, Function};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, Document, Element, HtmlDocument, HtmlElement, Url, Window};

/// The per-tab copy of the session id (DECISIONS.md §2 row 6).
const SESSION_STORAGE_KEY: &str = "wellclient-session-id";
const CLOCK_ID: &str = "well-time-clock";
const NOW_STATE_ID: &str = "well-now-state";
/// What the status clock shows when stopped (PROTOCOL.md §11.1).
pub(super) const CLOCK_RESET: &str = "0:00:00";

/// The session id an earlier page of this tab (`sessionStorage`) or browser (the cookie) kept.
pub(super) fn stored_session_id(window: &Window, cookie_name: &str) -> Option<String> {
    let from_storage = window
        .session_storage()
        .ok()
        .flatten()
        .and_then(|storage| storage.get_item(SESSION_STORAGE_KEY).ok().flatten())
        .filter(|id| !id.is_empty());
    from_storage.or_else(|| read_cookie(window, cookie_name))
}

fn html_document(window: &Window) -> Option<HtmlDocument> {
    window.document()?.dyn_into::<HtmlDocument>().ok()
}

fn read_cookie(window: &Window, name: &str) -> Option<String> {
    let cookies = html_document(window)?.cookie().ok()?;
    cookies.split(';').find_map(|pair| {
        let value = pair.trim_start().strip_prefix(name)?.strip_prefix('=')?;
        let value = js_sys::decode_uri_component(value).ok()?;
        Some(String::from(value)).filter(|v| !v.is_empty())
    })
}

/// Keeps (`Some`) or forgets (`None`) the session id. Storage that refuses (private mode, a
/// sandboxed frame) is ignored: the session then just cannot be recovered after a reload.
pub(super) fn persist_session(
    window: &Window,
    session_id: Option<&str>,
    cookie_name: &str,
    secure: bool,
) {
    let mut cookie = String::from(cookie_name);
    cookie.push('=');
    match session_id {
        Some(id) => cookie.push_str(&String::from(js_sys::encode_uri_component(id))),
        None => cookie.push_str("; expires=Thu, 01 Jan 1970 00:00:00 GMT"),
    }
    cookie.push_str("; path=/; SameSite=Strict");
    if secure {
        cookie.push_str("; Secure");
    }
    if let Some(document) = html_document(window) {
        let _ = document.set_cookie(&cookie);
    }
    if let Ok(Some(storage)) = window.session_storage() {
        let _ = match session_id {
            Some(id) => storage.set_item(SESSION_STORAGE_KEY, id),
            None => storage.remove_item(SESSION_STORAGE_KEY),
        };
    }
}

/// Whether the page is served over https (the session cookie then gets `Secure`).
pub(super) fn is_secure(window: &Window) -> bool {
    window
        .location()
        .protocol()
        .is_ok_and(|protocol| protocol == "https:")
}

/// Adds class `well-dn` to the elements with these ids (`setConfig({hideButton})`).
pub(super) fn hide_buttons(document: &Document, ids: &[String]) {
    for id in ids {
        if let Some(element) = document.get_element_by_id(id) {
            let _ = element.class_list().add_1("well-dn");
        }
    }
}

/// Adds the status clock after `#well-now-state`, when the page has that and no clock yet.
pub(super) fn insert_clock(document: &Document) {
    if document.get_element_by_id(CLOCK_ID).is_some() {
        return;
    }
    let Some(anchor) = document.get_element_by_id(NOW_STATE_ID) else {
        return;
    };
    if let Ok(clock) = document.create_element("span") {
        clock.set_id(CLOCK_ID);
        clock.set_text_content(Some(CLOCK_RESET));
        let _ = anchor.after_with_node_1(&clock);
    }
}

/// The status clock element, if the page has one.
pub(super) fn clock_element(document: &Document) -> Option<Element> {
    document.get_element_by_id(CLOCK_ID)
}

/// Offers `text` as a file download through a temporary `<a download>`. Returns the object
/// URL, which must stay valid until the browser has read it: the caller revokes it at the next
/// download instead of now.
pub(super) fn download(document: &Document, file_name: &str, text: &str) -> Option<String> {
    let options = BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let parts = Array::of1(&JsValue::from_str(text));
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = Url::create_object_url_with_blob(&blob).ok()?;
    let link = document.create_element("a").ok()?;
    let _ = link.set_attribute("href", &url);
    let _ = link.set_attribute("download", file_name);
    let _ = link.set_attribute("style", "display:none");
    if let Some(body) = document.body() {
        if body.append_child(&link).is_ok() {
            if let Some(link) = link.dyn_ref::<HtmlElement>() {
                link.click();
            }
            link.remove();
        }
    }
    Some(url)
}

/// Frees an object URL made by [`download`].
pub(super) fn revoke(url: &str) {
    let _ = Url::revoke_object_url(url);
}

/// The element with the click-to-dial class that a click landed in, if any (a delegated
/// listener: the class may be on an ancestor of the clicked node).
pub(super) fn click_target(event: &web_sys::Event, class: &str) -> Option<Element> {
    let mut element = event.target()?.dyn_into::<Element>().ok();
    while let Some(current) = element {
        if current.class_list().contains(class) {
            return Some(current);
        }
        element = current.parent_element();
    }
    None
}

/// Installs or removes the one delegated click-to-dial listener on `document`.
pub(super) fn listen_for_clicks(document: &Document, listener: &Function, on: bool) {
    let _ = if on {
        document.add_event_listener_with_callback("click", listener)
    } else {
        document.remove_event_listener_with_callback("click", listener)
    };
}
