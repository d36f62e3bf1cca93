/* The "C ceiling" of issue 7: workload W1 (HH 1952, Rush-Larsen gates, exponential V step,
 * dt = 0.025 ms) hand-written in C, structure of arrays, the inner loop over the cells of a
 * 64-cell block vectorised by the compiler (OpenMP SIMD, glibc's libmvec exp), the blocks
 * shared by `threads` OpenMP threads (a num_threads clause: OMP_NUM_THREADS is read only once,
 * when the OpenMP runtime loads, so setting it per call has no effect). Built by benchmarks/ceiling.py with
 *   gcc -O3 -ffast-math -march=native -mprefer-vector-width=512 -fopenmp -shared -fPIC
 * (-ffast-math is what makes glibc declare its SIMD exp, _ZGVeN8v_exp, to the compiler).
 * Same scheme as the "straightforward Numba loop" baseline (benchmarks/w1.py). */
#include <math.h>
#include <stdint.h>

#define BLOCK 64

void hh_counts(const double *i_app, int64_t n, double t_end, double dt, int64_t *counts,
               int64_t threads)
{
    const int64_t n_steps = (int64_t)(t_end / dt + 0.5);
    const int64_t n_blocks = (n + BLOCK - 1) / BLOCK;
#pragma omp parallel for schedule(static) num_threads((int)threads)
    for (int64_t b = 0; b < n_blocks; b++) {
        const int64_t c0 = b * BLOCK;
        const int64_t nb = (n - c0 < BLOCK) ? n - c0 : BLOCK;
        double v[BLOCK], m[BLOCK], h[BLOCK], nn[BLOCK], I[BLOCK], cnt[BLOCK];
        for (int64_t c = 0; c < nb; c++) {
            double vr = -65.0;
            double am = 0.1 * (vr + 40.0) / (1.0 - exp(-(vr + 40.0) / 10.0));
            double bm = 4.0 * exp(-(vr + 65.0) / 18.0);
            double ah = 0.07 * exp(-(vr + 65.0) / 20.0);
            double bh = 1.0 / (1.0 + exp(-(vr + 35.0) / 10.0));
            double an = 0.01 * (vr + 55.0) / (1.0 - exp(-(vr + 55.0) / 10.0));
            double bn = 0.125 * exp(-(vr + 65.0) / 80.0);
            v[c] = vr;
            m[c] = am / (am + bm);
            h[c] = ah / (ah + bh);
            nn[c] = an / (an + bn);
            I[c] = i_app[c0 + c];
            cnt[c] = 0.0;
        }
        for (int64_t k = 0; k < n_steps; k++) {
#pragma omp simd
            for (int64_t c = 0; c < nb; c++) {
                const double vc = v[c];
                const double am = 0.1 * (vc + 40.0) / (1.0 - exp(-(vc + 40.0) / 10.0));
                const double bm = 4.0 * exp(-(vc + 65.0) / 18.0);
                const double ah = 0.07 * exp(-(vc + 65.0) / 20.0);
                const double bh = 1.0 / (1.0 + exp(-(vc + 35.0) / 10.0));
                const double an = 0.01 * (vc + 55.0) / (1.0 - exp(-(vc + 55.0) / 10.0));
                const double bn = 0.125 * exp(-(vc + 65.0) / 80.0);
                const double sm = am + bm, sh = ah + bh, sn = an + bn;
                const double mi = am / sm, hi = ah / sh, ni = an / sn;
                const double mc = mi + (m[c] - mi) * exp(-dt * sm);
                const double hc = hi + (h[c] - hi) * exp(-dt * sh);
                const double nc = ni + (nn[c] - ni) * exp(-dt * sn);
                const double gna = 120.0 * mc * mc * mc * hc;
                const double n2 = nc * nc;
                const double gk = 36.0 * n2 * n2;
                const double g = gna + gk + 0.3;
                const double vi = (gna * 50.0 - gk * 77.0 - 0.3 * 54.387 + I[c]) / g;
                const double vn = vi + (vc - vi) * exp(-dt * g);
                cnt[c] += (vc < 0.0 && vn >= 0.0) ? 1.0 : 0.0;
                v[c] = vn;
                m[c] = mc;
                h[c] = hc;
                nn[c] = nc;
            }
        }
        for (int64_t c = 0; c < nb; c++)
            counts[c0 + c] = (int64_t)cnt[c];
    }
}
