//! Parties leaving calls: which clearings go to whom (two-party calls end as a whole, a
//! conference loses one party at a time and ends with its controller), and call renaming.

use crate::pbx::{ConnState, Pbx, Timer};

impl Pbx {
    /// `leaving` (a party's device, or the far end not reached yet) leaves the call.
    pub(crate) fn release(&mut self, call_id: &str, leaving: &str, cause: &str) {
        let Some(call) = self.calls.get(call_id) else {
            return;
        };
        let two_party = !call.conferenced
            && call.wait_return.is_none()
            && call.parties.len() + usize::from(call.pending.is_some()) <= 2;
        if two_party {
            let recipients = call.recipients();
            let mut order = vec![leaving.to_string()];
            for p in &call.parties {
                if p.device != leaving {
                    order.push(p.device.clone());
                }
            }
            if let Some(pending) = &call.pending {
                if pending != leaving {
                    order.push(pending.clone());
                }
            }
            let mut copies = Vec::new();
            for released in &order {
                for r in &recipients {
                    copies.push((
                        r.clone(),
                        self.cleared_body(call_id, r, released, leaving, cause, call_id),
                    ));
                }
            }
            self.emit_copies(copies);
            self.end_call(call_id);
            return;
        }
        self.clear_one(call_id, leaving, leaving, cause);
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        if let Some((waiting, awaited)) = call.wait_return.clone() {
            if leaving == awaited {
                call.wait_return = None;
                if call.called == awaited {
                    call.called = waiting.clone();
                } else if call.calling == awaited {
                    call.calling = waiting.clone();
                }
                if call
                    .party(&waiting)
                    .is_some_and(|p| p.state == ConnState::Hold)
                {
                    self.retrieve_party(call_id, &waiting);
                }
                return;
            }
            if leaving == waiting {
                call.wait_return = None;
            } else {
                self.clear_all(call_id, leaving, cause);
                return;
            }
        }
        let Some(call) = self.calls.get(call_id) else {
            return;
        };
        // The controller leaving ends the conference for everybody (fixture 07a); the last
        // party left alone is cleared too (fixtures 07c, 12).
        if call.controller.as_deref() == Some(leaving) || call.parties.len() <= 1 {
            self.clear_all(call_id, leaving, cause);
        }
    }

    /// Clears one party of a multi-party call: the clearing goes to everyone still in the call,
    /// the party included.
    pub(super) fn clear_one(&mut self, call_id: &str, released: &str, hangup: &str, cause: &str) {
        let Some(call) = self.calls.get(call_id) else {
            return;
        };
        let copies: Vec<_> = call
            .recipients()
            .into_iter()
            .map(|r| {
                let body = self.cleared_body(call_id, &r, released, hangup, cause, call_id);
                (r, body)
            })
            .collect();
        self.emit_copies(copies);
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        call.remove_party(released);
        if call.parties.is_empty() {
            self.calls.remove(call_id);
        }
        self.after_call(released);
    }

    /// Clears every remaining party in turn, then removes the call.
    pub(super) fn clear_all(&mut self, call_id: &str, hangup: &str, cause: &str) {
        while let Some(next) = self
            .calls
            .get(call_id)
            .and_then(|c| c.parties.first())
            .map(|p| p.device.clone())
        {
            self.clear_one(call_id, &next, hangup, cause);
        }
        self.calls.remove(call_id);
    }

    pub(super) fn end_call(&mut self, call_id: &str) {
        let Some(call) = self.calls.remove(call_id) else {
            return;
        };
        for p in call.parties.iter().filter(|p| !p.outside) {
            self.after_call(&p.device);
        }
    }

    /// Gives a call a new id (single-step transfer), timers included.
    pub(super) fn rename_call(&mut self, old: &str, new: &str) {
        let Some(mut call) = self.calls.remove(old) else {
            return;
        };
        call.id = new.to_string();
        self.calls.insert(new.to_string(), call);
        for s in self.timers.iter_mut() {
            match &mut s.timer {
                Timer::Answer { call, .. }
                | Timer::Hangup { call, .. }
                | Timer::DialExtension { call }
                | Timer::Fail { call, .. }
                    if call == old =>
                {
                    *call = new.to_string();
                }
                _ => {}
            }
        }
    }
}
