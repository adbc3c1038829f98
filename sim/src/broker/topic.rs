//! Topic destinations and RabbitMQ-style wildcard matching.
//!
//! `/topic/<routing key>`: a subscription's key may use `*` for exactly one dot-separated word
//! and `#` for zero or more words, as RabbitMQ's `amq.topic` exchange does. The platform's
//! clients subscribe to `/topic/event.agent.*.5001@test_cc`.

/// The routing key of a `/topic/...` destination.
pub(crate) fn routing_key(destination: &str) -> Option<&str> {
    destination
        .strip_prefix("/topic/")
        .filter(|k| !k.is_empty())
}

/// Whether a message sent to `destination` reaches a subscription to `pattern` (both full
/// `/topic/...` destinations).
pub(crate) fn matches(pattern: &str, destination: &str) -> bool {
    match (routing_key(pattern), routing_key(destination)) {
        (Some(p), Some(d)) => {
            let p: Vec<&str> = p.split('.').collect();
            let d: Vec<&str> = d.split('.').collect();
            words_match(&p, &d)
        }
        _ => false,
    }
}

fn words_match(pattern: &[&str], key: &[&str]) -> bool {
    match pattern.split_first() {
        None => key.is_empty(),
        Some((&"#", rest)) => (0..=key.len()).any(|skip| words_match(rest, &key[skip..])),
        Some((&word, rest)) => match key.split_first() {
            Some((&k, key_rest)) => (word == "*" || word == k) && words_match(rest, key_rest),
            None => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_matches_one_word() {
        let sub = "/topic/event.agent.*.5001@test_cc";
        assert!(matches(sub, "/topic/event.agent.csta.5001@test_cc"));
        assert!(matches(sub, "/topic/event.agent.agent.5001@test_cc"));
        assert!(!matches(sub, "/topic/event.agent.csta.5002@test_cc"));
        assert!(!matches(sub, "/topic/event.agent.5001@test_cc"));
        assert!(!matches(sub, "/topic/event.agent.a.b.5001@test_cc"));
        // The dotted form of the agent is two more words: it never matches the `_` form.
        assert!(!matches(sub, "/topic/event.agent.csta.5001@test.cc"));
    }

    #[test]
    fn hash_matches_any_number_of_words() {
        assert!(matches("/topic/event.#", "/topic/event.agent.csta.x"));
        assert!(matches("/topic/event.#", "/topic/event"));
        assert!(matches("/topic/#.x", "/topic/a.b.x"));
        assert!(!matches("/topic/#.x", "/topic/a.b.y"));
    }

    #[test]
    fn only_topics() {
        assert!(!matches("/queue/a", "/queue/a"));
        assert!(!matches("/topic/", "/topic/"));
        assert!(matches("/topic/a", "/topic/a"));
    }
}
