//! A tiny deterministic random source for jitter (xorshift64*), seeded from outside so tests
//! are repeatable and the core never reads entropy itself.

/// Pseudo-random numbers for backoff jitter. Not for anything secret.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (zero is replaced: xorshift would stay at zero).
    pub fn new(seed: u64) -> Self {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// `base` spread uniformly over ±`percent` %.
    pub fn jitter(&mut self, base: u64, percent: u64) -> u64 {
        let spread = base.saturating_mul(percent) / 100;
        if spread == 0 {
            return base;
        }
        let offset = self.next_u64() % (2 * spread + 1);
        base.saturating_sub(spread).saturating_add(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_in_range_and_varies() {
        let mut r = Rng::new(7);
        let values: Vec<u64> = (0..200).map(|_| r.jitter(1000, 20)).collect();
        assert!(values.iter().all(|v| (800..=1200).contains(v)));
        assert!(values.iter().any(|v| *v != values[0]));
        assert_eq!(Rng::new(0).jitter(0, 20), 0);
    }
}
