/* Reference FTCS loop for bench/bench_heat1d.py: the same stencil and update formula as
 * hpcpar/heat1d/kernels.py, Dirichlet ends, two buffers taking turns, r = 0.4.
 *
 *   heat1d NX STEPS        prints one JSON line: nx, steps, threads, seconds, mlups, heat
 *
 * Built twice by the bench script: `cc -O3 -march=native` (serial) and with `-fopenmp`
 * (threads share the loop; OMP_NUM_THREADS picks how many). MLUPS = nx * steps / seconds.
 */
#include <math.h>
#include <stdio.h>
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

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s NX STEPS\n", argv[0]);
        return 2;
    }
    const long nx = atol(argv[1]), steps = atol(argv[2]);
    const double r = 0.4, pi = 3.141592653589793, dx = pi / (nx - 1);
    double *a = malloc(nx * sizeof(double)), *b = malloc(nx * sizeof(double));
    int threads = 1;
    if (!a || !b || nx < 3) return 1;
#pragma omp parallel for schedule(static)
    for (long i = 0; i < nx; i++) { /* first touch by the thread that updates i */
        a[i] = sin(i * dx);
        b[i] = a[i];
    }
    a[0] = b[0] = a[nx - 1] = b[nx - 1] = 0.0;
    double t0 = now();
#pragma omp parallel
    {
        double *src = a, *dst = b;
#ifdef _OPENMP
#pragma omp single
        threads = omp_get_num_threads();
#endif
        for (long s = 0; s < steps; s++) {
#pragma omp for schedule(static)
            for (long i = 1; i < nx - 1; i++)
                dst[i] = src[i] + r * ((src[i - 1] + src[i + 1]) - 2.0 * src[i]);
            double *t = src; src = dst; dst = t;
        }
    }
    double seconds = now() - t0;
    double *u = steps % 2 ? b : a, heat = 0.0;
    for (long i = 0; i < nx; i++) heat += u[i];
    heat = dx * (heat - 0.5 * (u[0] + u[nx - 1]));
    printf("{\"nx\": %ld, \"steps\": %ld, \"threads\": %d, \"seconds\": %.9f, \"mlups\": %.6f, "
           "\"heat\": %.17g}\n", nx, steps, threads, seconds, nx * (double)steps / seconds / 1e6,
           heat);
    free(a);
    free(b);
    return 0;
}
