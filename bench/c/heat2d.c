/* Reference for bench/bench_heat2d.py: Jacobi sweeps of the 5-point Laplace stencil on an
 * n x n grid (fixed edges, top edge hot), exactly the update of hpcpar.heat2d.kernels:
 *   out[j][i] = wx * (u[j][i-1] + u[j][i+1]) + wy * (u[j-1][i] + u[j+1][i])
 * over the interior, buffers swapped after each sweep, no residual checks.
 * Built serial (cc -O3 -march=native) and with -fopenmp (rows split over threads, arrays
 * first touched by the thread that updates them).
 * Fields are 2 MiB-aligned and madvise(MADV_HUGEPAGE)d, as numpy does for large arrays, so
 * both sides get the same (transparent huge page) memory.
 * Usage: heat2d N ITERATIONS REPEATS -> prints the best MLUPS (interior points x iterations
 * per microsecond) of REPEATS timed runs, and a checksum. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static double *alloc_field(long n) {
    const size_t align = (size_t)1 << 21;
    size_t bytes = ((size_t)n * n * sizeof(double) + align - 1) / align * align;
    double *p = aligned_alloc(align, bytes);
#ifdef MADV_HUGEPAGE
    if (p) madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

static void init(double *a, double *b, long n) {
#pragma omp parallel for schedule(static)
    for (long j = 0; j < n; j++)
        for (long i = 0; i < n; i++) {
            double v = (j == n - 1) ? 100.0 : 0.0;
            a[j * n + i] = v;
            b[j * n + i] = v;
        }
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s N ITERATIONS REPEATS\n", argv[0]);
        return 2;
    }
    long n = atol(argv[1]), iters = atol(argv[2]), reps = atol(argv[3]);
    double *a = alloc_field(n), *b = alloc_field(n);
    if (!a || !b) return 1;
    const double dx = 1.0 / (n - 1), dy = 1.0 / (n - 1);
    const double denom = 2.0 * (dx * dx + dy * dy);
    const double wx = dy * dy / denom, wy = dx * dx / denom;
    double best = 0.0, checksum = 0.0;
    for (long r = 0; r < reps; r++) {
        init(a, b, n);
        double *u = a, *out = b;
        double t0 = now();
        for (long it = 0; it < iters; it++) {
#pragma omp parallel for schedule(static)
            for (long j = 1; j < n - 1; j++) {
                const double *restrict c = u + j * n, *restrict s = c - n, *restrict nn = c + n;
                double *restrict o = out + j * n;
                for (long i = 1; i < n - 1; i++)
                    o[i] = wx * (c[i - 1] + c[i + 1]) + wy * (s[i] + nn[i]);
            }
            double *t = u; u = out; out = t;
        }
        double secs = now() - t0;
        double mlups = (double)(n - 2) * (n - 2) * iters / secs / 1e6;
        if (mlups > best) best = mlups;
        checksum = 0.0;
        for (long k = 0; k < n * n; k++) checksum += u[k];
    }
    int threads = 1;
#ifdef _OPENMP
    threads = omp_get_max_threads();
#endif
    printf("{\"n\": %ld, \"iterations\": %ld, \"threads\": %d, \"mlups\": %.3f, "
           "\"checksum\": %.17g}\n", n, iters, threads, best, checksum);
    free(a);
    free(b);
    return 0;
}
