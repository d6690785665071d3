//! The exercise's randomness: `chance` and `jitter`, drawn when an inject's trigger fires.
//!
//! Each inject draws from its own ChaCha8 stream (seed = the exercise's seed, stream = the
//! inject's position in the file), so one inject's draw never depends on the order in which
//! other injects fired. Only `next_u64` is used, whose output ChaCha8 fixes for good, so a seed
//! gives the same exercise with every version of ttx and on every machine. The generator is
//! `chacha20`'s `ChaCha8Rng`, which replaced the unmaintained `rand_chacha` with identical
//! output (the golden test below holds values recorded before the change).

use chacha20::ChaCha8Rng;
use chacha20::rand_core::{Rng, SeedableRng};

use crate::scenario::{InjectIx, Secs};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draw {
    /// Uniform in [0, 1): the inject fires when this is below its `chance`.
    pub chance: f64,
    /// Whole seconds, uniform in [0, jitter].
    pub jitter_s: Secs,
}

pub fn draw(seed: u64, inject: InjectIx, jitter: Secs) -> Draw {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(inject.0 as u64);
    // 53 random bits make every f64 in [0, 1) with that spacing equally likely.
    let chance = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let jitter_s = match jitter.checked_add(1) {
        Some(span) => rng.next_u64() % span,
        None => rng.next_u64(),
    };
    Draw { chance, jitter_s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_fixed_by_seed_and_inject() {
        assert_eq!(draw(7, InjectIx(3), 600), draw(7, InjectIx(3), 600));
        assert_ne!(draw(7, InjectIx(3), 600), draw(7, InjectIx(4), 600));
        assert_ne!(draw(7, InjectIx(3), 600), draw(8, InjectIx(3), 600));
    }

    /// Literal draws, recorded before the generator's crate changed from `rand_chacha` to
    /// `chacha20`: a journal's recorded draws must stay what the seed gives, whatever crate
    /// computes them. Compared bit for bit.
    #[test]
    fn draws_are_the_golden_values() {
        let golden: [(u64, usize, Secs, u64, Secs); 5] = [
            (0, 0, 0, 0x3fe6_b0be_ecf4_f347, 0),
            (0, 1, 600, 0x3fe8_2d4f_61f9_1a91, 553),
            (7, 3, 600, 0x3fc7_3cc3_8843_4458, 507),
            (42, 9, 3600, 0x3fe9_1f9e_d6cf_de29, 833),
            (
                u64::MAX,
                100,
                Secs::MAX,
                0x3fed_06f4_71c6_0e6c,
                16_768_253_835_049_818_140,
            ),
        ];
        for (seed, inject, jitter, chance_bits, jitter_s) in golden {
            let d = draw(seed, InjectIx(inject), jitter);
            assert_eq!(
                (d.chance.to_bits(), d.jitter_s),
                (chance_bits, jitter_s),
                "seed {seed}, inject {inject}, jitter {jitter}: chance {}",
                d.chance
            );
        }
    }

    #[test]
    fn draws_stay_in_range() {
        for i in 0..500 {
            let d = draw(1, InjectIx(i), 90);
            assert!((0.0..1.0).contains(&d.chance));
            assert!(d.jitter_s <= 90);
            assert_eq!(draw(1, InjectIx(i), 0).jitter_s, 0);
        }
    }
}
