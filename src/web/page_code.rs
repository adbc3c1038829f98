//! The functions the page handed over: event handlers (by [`HandlerId`]), the settle functions
//! of pending Deferreds (by [`CommandId`]), and the notifier of `setConfig({notify})`.
//!
//! The core decides who is called; this only keeps the functions its ids stand for. A function
//! is dropped as soon as the core no longer refers to its id.

use js_sys::Function;
use wasm_bindgen::JsValue;

use crate::client::{CommandId, HandlerId};

use super::interop::{self, Keys};

/// The page's functions.
#[derive(Default)]
pub(super) struct PageCode {
    handlers: Vec<(HandlerId, Function)>,
    settles: Vec<(CommandId, Function)>,
    notify: Option<Function>,
    last_handler: u32,
}

impl PageCode {
    /// Keeps `function` under a new id.
    pub fn add_handler(&mut self, function: Function) -> HandlerId {
        self.last_handler = self.last_handler.wrapping_add(1);
        let id = HandlerId(self.last_handler);
        self.handlers.push((id, function));
        id
    }

    /// The function of `id`, if it is still kept.
    pub fn handler(&self, id: HandlerId) -> Option<Function> {
        self.handlers
            .iter()
            .find(|(h, _)| *h == id)
            .map(|(_, f)| f.clone())
    }

    /// Every id `function` was registered under (`removeEventListener` names the function).
    pub fn ids_of(&self, function: &JsValue) -> Vec<HandlerId> {
        self.handlers
            .iter()
            .filter(|(_, f)| AsRef::<JsValue>::as_ref(f) == function)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Drops the function of `id`.
    pub fn drop_handler(&mut self, id: HandlerId) {
        self.handlers.retain(|(h, _)| *h != id);
    }

    /// Keeps the settle function of a command's Deferred until the core settles it.
    pub fn await_settlement(&mut self, command: CommandId, settle: Function) {
        self.settles.push((command, settle));
    }

    /// The settle function of `command`, removed (a Deferred settles once). `None` for a
    /// command nobody waits for (a click-to-dial call).
    pub fn take_settle(&mut self, command: CommandId) -> Option<Function> {
        let index = self.settles.iter().position(|(c, _)| *c == command)?;
        Some(self.settles.swap_remove(index).1)
    }

    /// `setConfig({notify})`: a function replaces the browser's dialogs; anything else puts
    /// them back.
    pub fn set_notify(&mut self, notify: JsValue) {
        self.notify = notify.is_function().then(|| notify.into());
    }

    /// The page's notifier, if it set one.
    pub fn notify(&self) -> Option<Function> {
        self.notify.clone()
    }
}

/// A new Deferred from the shim's hooks: its promise, and the function that settles it.
pub(super) fn new_deferred(hooks: &JsValue, keys: &Keys) -> Option<(JsValue, Function)> {
    let make = interop::get_function(hooks, &keys.deferred)?;
    let deferred = make.call0(hooks).ok()?;
    let settle = interop::get_function(&deferred, &keys.settle)?;
    Some((interop::get(&deferred, &keys.promise), settle))
}
