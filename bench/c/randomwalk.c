/* Random-walk first-crossing kernel in C: the reference for hpcpar.randomwalk's numba kernel.
 *
 * Same walker streams as hpcpar/randomwalk/kernels.py (SplitMix64 per walker, keyed by seed,
 * distance index and walker index) and the same double arithmetic, so the step counts are
 * identical; build without -ffast-math and with -ffp-contract=off (no fused multiply-add).
 *
 * usage: randomwalk SEED WALKS Y1 [Y2 ...]
 * prints, per distance: Y, total steps over WALKS walks, seconds spent.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const uint64_t GOLDEN = 0x9E3779B97F4A7C15ULL;

static inline uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int64_t walk(double distance, uint64_t state) {
    double y = 0.0;
    int64_t n = 0;
    while (fabs(y) < distance) {
        state += GOLDEN;
        double u = (double)(mix(state) >> 11) * (1.0 / 9007199254740992.0);
        y += 2.0 * u - 1.0;
        n++;
    }
    return n;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s SEED WALKS Y1 [Y2 ...]\n", argv[0]);
        return 2;
    }
    uint64_t key = mix(strtoull(argv[1], NULL, 10));
    int64_t walks = strtoll(argv[2], NULL, 10);
    for (int i = 3; i < argc; i++) {
        double distance = strtod(argv[i], NULL);
        uint64_t high = (uint64_t)(i - 3) << 40;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int64_t total = 0;
        for (int64_t w = 0; w < walks; w++) total += walk(distance, mix(key ^ (high | (uint64_t)w)));
        clock_gettime(CLOCK_MONOTONIC, &t1);
        printf("%.17g %lld %.9f\n", distance, (long long)total,
               (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    }
    return 0;
}
