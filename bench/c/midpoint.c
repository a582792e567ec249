/* Midpoint rule for pi = integral of 4/(1+x^2) over [0,1]: the C reference of bench_pi.py.
 *
 * Built by bench/bench_pi.py with `cc -O3 -march=native -ffast-math`.
 * Usage: midpoint VARIANT N REPEATS   (VARIANT: counter | index)
 * Prints: best seconds over REPEATS, then the estimate.
 *
 * "counter" is the loop of hpcpar/pi/kernels.py::_midpoint_numba: a double counter
 * t = i + 0.5 (exact below 2**53); gcc vectorises it (4 doubles per AVX2 vdivpd).
 * "index" converts the int64 index every step; without AVX-512DQ there is no vector
 * int64 -> double conversion, and gcc 12 leaves this loop scalar (divide-bound).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double midpoint_counter(long n, long start, long stop) {
    const double h = 1.0 / (double)n;
    double total = 0.0;
    double t = (double)start + 0.5;
    for (long i = start; i < stop; i++) {
        const double x = t * h;
        total += 4.0 / (1.0 + x * x);
        t += 1.0;
    }
    return total;
}

double midpoint_index(long n, long start, long stop) {
    const double h = 1.0 / (double)n;
    double total = 0.0;
    for (long i = start; i < stop; i++) {
        const double x = ((double)i + 0.5) * h;
        total += 4.0 / (1.0 + x * x);
    }
    return total;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s counter|index N REPEATS\n", argv[0]);
        return 2;
    }
    double (*kernel)(long, long, long) =
        strcmp(argv[1], "index") == 0 ? midpoint_index : midpoint_counter;
    const long n = atol(argv[2]);
    const int repeats = atoi(argv[3]);
    double best = 1e300, estimate = 0.0;
    for (int r = 0; r < repeats; r++) {
        const double t0 = now();
        estimate = kernel(n, 0, n) / (double)n;
        const double dt = now() - t0;
        if (dt < best) best = dt;
    }
    printf("%.9e %.17g\n", best, estimate);
    return 0;
}
