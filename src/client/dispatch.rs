//! Who gets an event: the page's handlers, by name, in the documented order.
//!
//! Handlers are JavaScript functions the core never sees: the adapter keeps them and gives the
//! core a [`HandlerId`] for each registration. The core decides which ids are called, in which
//! order (DECISIONS.md K8: UI hook → innerOn → `exports` → `on(name)` → listeners), and resolves
//! that list when the event is delivered, not when it is queued, so a handler removed by an
//! earlier handler is not called and a `once` listener runs once.

/// innerOn events that share their name with the server event they are derived from
/// (PROTOCOL.md §4.5).
pub const PROCESSED_TWINS: &[&str] = &["connectionCleared"];

/// A handler registration, allocated by the adapter.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HandlerId(pub u32);

/// One callee of a delivery.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `wellClient.exports`, read when called.
    Exports,
    /// A registered handler.
    Handler(HandlerId),
}

#[derive(Debug)]
struct Listener {
    name: String,
    id: HandlerId,
    once: bool,
}

/// The handler registry: `on`, `innerOn` (one per name) and listeners (many per name).
#[derive(Debug, Default)]
pub struct Registry {
    on: Vec<(String, HandlerId)>,
    inner_on: Vec<(String, HandlerId)>,
    listeners: Vec<Listener>,
}

fn replace(slots: &mut Vec<(String, HandlerId)>, name: &str, id: HandlerId) -> Option<HandlerId> {
    match slots.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => Some(core::mem::replace(&mut slot.1, id)),
        None => {
            slots.push((name.to_owned(), id));
            None
        }
    }
}

fn lookup(slots: &[(String, HandlerId)], name: &str) -> Option<HandlerId> {
    slots.iter().find(|(n, _)| n == name).map(|(_, id)| *id)
}

impl Registry {
    /// `on(name, fn)`: the one handler for a server event; returns the replaced one.
    pub fn set_on(&mut self, name: &str, id: HandlerId) -> Option<HandlerId> {
        replace(&mut self.on, name, id)
    }

    /// `innerOn(name, fn)`: the one handler for a processed event; returns the replaced one.
    pub fn set_inner_on(&mut self, name: &str, id: HandlerId) -> Option<HandlerId> {
        replace(&mut self.inner_on, name, id)
    }

    /// `addEventListener(name, fn)` / `once(name, fn)`.
    pub fn add_listener(&mut self, name: &str, id: HandlerId, once: bool) {
        self.listeners.push(Listener {
            name: name.to_owned(),
            id,
            once,
        });
    }

    /// `removeEventListener(name, fn)`: removes the listeners of `name` among `ids`; returns
    /// the removed ids.
    pub fn remove_listeners(&mut self, name: &str, ids: &[HandlerId]) -> Vec<HandlerId> {
        let mut removed = Vec::new();
        self.listeners.retain(|l| {
            let hit = l.name == name && ids.contains(&l.id);
            if hit {
                removed.push(l.id);
            }
            !hit
        });
        removed
    }

    /// Whether an `innerOn` handler is registered for `name`.
    pub fn has_inner(&self, name: &str) -> bool {
        lookup(&self.inner_on, name).is_some()
    }

    /// Whether `id` is still registered anywhere (the adapter drops unreferenced functions).
    pub fn is_registered(&self, id: HandlerId) -> bool {
        self.on.iter().any(|(_, h)| *h == id)
            || self.inner_on.iter().any(|(_, h)| *h == id)
            || self.listeners.iter().any(|l| l.id == id)
    }

    fn take_listeners(&mut self, name: &str, out: &mut Vec<Target>) {
        for l in self.listeners.iter().filter(|l| l.name == name) {
            out.push(Target::Handler(l.id));
        }
        self.listeners.retain(|l| !(l.once && l.name == name));
    }

    /// Callees of a server event: `exports`, `on(name)`, then listeners.
    pub fn server_targets(&mut self, name: &str) -> Vec<Target> {
        let mut out = vec![Target::Exports];
        if let Some(id) = lookup(&self.on, name) {
            out.push(Target::Handler(id));
        }
        self.take_listeners(name, &mut out);
        out
    }

    /// Callees of a processed event: `innerOn(name)`, then listeners — except for the
    /// processed twin of a server event (`PROCESSED_TWINS`), whose listeners get the server
    /// event: one name, one payload shape.
    pub fn inner_targets(&mut self, name: &str) -> Vec<Target> {
        let mut out = Vec::new();
        if let Some(id) = lookup(&self.inner_on, name) {
            out.push(Target::Handler(id));
        }
        if !PROCESSED_TWINS.contains(&name) {
            self.take_listeners(name, &mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: HandlerId = HandlerId(1);
    const B: HandlerId = HandlerId(2);
    const C: HandlerId = HandlerId(3);

    #[test]
    fn on_keeps_one_handler_per_name() {
        let mut r = Registry::default();
        assert_eq!(r.set_on("delivered", A), None);
        assert_eq!(r.set_on("delivered", B), Some(A));
        assert!(!r.is_registered(A));
        assert_eq!(
            r.server_targets("delivered"),
            vec![Target::Exports, Target::Handler(B)]
        );
        assert_eq!(r.server_targets("held"), vec![Target::Exports]);
    }

    #[test]
    fn order_is_exports_on_listeners_and_once_runs_once() {
        let mut r = Registry::default();
        r.add_listener("held", C, true);
        r.add_listener("held", A, false);
        r.set_on("held", B);
        assert_eq!(
            r.server_targets("held"),
            vec![
                Target::Exports,
                Target::Handler(B),
                Target::Handler(C),
                Target::Handler(A)
            ]
        );
        assert_eq!(
            r.server_targets("held"),
            vec![Target::Exports, Target::Handler(B), Target::Handler(A)]
        );
    }

    #[test]
    fn inner_and_removal() {
        let mut r = Registry::default();
        r.set_inner_on("wsReconnectSucceed", A);
        r.add_listener("wsReconnectSucceed", B, false);
        assert!(r.has_inner("wsReconnectSucceed"));
        assert_eq!(
            r.inner_targets("wsReconnectSucceed"),
            vec![Target::Handler(A), Target::Handler(B)]
        );
        assert_eq!(r.remove_listeners("wsReconnectSucceed", &[B, C]), vec![B]);
        assert_eq!(
            r.inner_targets("wsReconnectSucceed"),
            vec![Target::Handler(A)]
        );
        assert!(r.inner_targets("other").is_empty());
        r.add_listener("connectionCleared", C, false);
        r.set_inner_on("connectionCleared", A);
        assert_eq!(
            r.inner_targets("connectionCleared"),
            vec![Target::Handler(A)],
            "listeners get the server event of that name"
        );
    }
}
