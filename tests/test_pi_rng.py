"""SplitMix64: the three implementations against the C reference, and basic statistics."""

import numpy as np
import pytest

from hpcpar.pi.rng import mix64_python, splitmix64, weyl_state

# First four outputs of Vigna's splitmix64.c (https://prng.di.unimi.it/splitmix64.c) after
# `x = seed`, printed by the C reference compiled with gcc.
REFERENCE = {
    0: [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F, 0xF88BB8A8724C81EC],
    42: [0xBDD732262FEB6E95, 0x28EFE333B266F103, 0x47526757130F9F52, 0x581CE1FF0E4AE394],
    2**63 - 1: [0x2A67D7552E039EA7, 0xF20C01408082F947, 0xEC159351AF424190,
                0x2020319894995BFB],
}


@pytest.mark.parametrize("seed", sorted(REFERENCE))
def test_numpy_and_python_match_the_c_reference(seed):
    assert splitmix64(seed, 0, 4).tolist() == REFERENCE[seed]
    assert [mix64_python(weyl_state(seed, k + 1)) for k in range(4)] == REFERENCE[seed]


def test_random_access_equals_sequential_draws():
    stream = splitmix64(7, 0, 1000)
    assert np.array_equal(splitmix64(7, 600, 400), stream[600:])
    far = 10**11  # counters far past 2**32 (N up to 1e12 samples)
    assert splitmix64(7, far, 3).tolist() == [mix64_python(weyl_state(7, far + k + 1))
                                             for k in range(3)]


def test_bits_and_bytes_are_uniform():
    """Chi-square tests over 2**20 outputs: each of the 64 bits is set half the time, and the
    256 byte values of the output are equally frequent. A broken mixer fails these."""
    z = splitmix64(12345, 0, 1 << 20)
    n = len(z)
    bits = np.array([np.count_nonzero((z >> np.uint64(b)) & np.uint64(1)) for b in range(64)])
    z_scores = (bits - n / 2) / np.sqrt(n / 4)
    assert np.max(np.abs(z_scores)) < 5.0
    counts = np.bincount(z.view(np.uint8), minlength=256)
    expected = 8 * n / 256
    chi2 = np.sum((counts - expected) ** 2 / expected)
    assert 150 < chi2 < 380  # 255 degrees of freedom: mean 255, sd 22.6


def test_neighbouring_seeds_and_chunks_are_uncorrelated():
    a = splitmix64(1, 0, 1 << 16).astype(np.float64)
    b = splitmix64(2, 0, 1 << 16).astype(np.float64)
    c = splitmix64(1, 1 << 16, 1 << 16).astype(np.float64)
    for other in (b, c):
        assert abs(np.corrcoef(a, other)[0, 1]) < 5 / np.sqrt(len(a))
