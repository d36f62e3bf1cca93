"""Vectorisable ``exp``/``expm1`` and the removable-singularity helpers built on them.

pip's llvmlite has no vector math library (SVML), so ``math.exp`` inside a loop over cells
stays a scalar libm call and the loop does not vectorise. The functions here are written in
straight-line arithmetic that LLVM's loop vectoriser turns into SIMD code (8 doubles per
AVX-512 register):

1. range reduction ``x = k ln2 + r``, ``|r| <= ln2/2``: ``k`` by the round-to-nearest
   "magic number" trick (``x log2(e) + 1.5 * 2^52``), ``r`` by Cody & Waite's two-part ln2
   (fdlibm's split, so ``k * LN2_HI`` is exact);
2. ``expm1(r) = r + r^2 q(r)``, ``q`` a degree-10 polynomial evaluated by Horner's rule with
   fused multiply-adds (coefficients: interpolation of ``(expm1(r) - r)/r^2`` at 11 Chebyshev
   nodes of ``[-ln2/2, ln2/2]`` in 80-digit decimal arithmetic; truncation error < 1e-18
   relative);
3. ``2^k`` assembled directly in the exponent bits (an integer shift and a bit cast), in two
   factors for ``exp`` so that results in the subnormal range and overflow come out right.

Accuracy (tested against 60-digit decimal arithmetic in
``tests/test_performance_fastmath.py``): ``exp`` and ``expm1`` within 2 ulp over the whole double
range, ``exprel`` and ``phi1`` within 3 ulp below the overflow of ``e^x`` (709.78);
``exp(+-inf)``, ``exp(nan)``, overflow and underflow follow C99. No branches depend on the data
except selects, so scalar and SIMD lanes give bit-identical results.

``fma`` is LLVM's ``llvm.fma.f64`` (one rounding; a libm call on CPUs without FMA). Under
``NUMBA_DISABLE_JIT=1`` the same arithmetic runs in Python (exact ``fma`` through fractions).
"""

import math
import struct
from fractions import Fraction

from numba import config, types
from numba.extending import intrinsic

from ._jit import jit

# ---------------------------------------------------------------------------------------------
# primitives: fused multiply-add, bit casts, and a vector-width hint
# ---------------------------------------------------------------------------------------------

if config.DISABLE_JIT:  # pure-Python stand-ins with identical arithmetic

    def fma(a, b, c):
        """``a * b + c`` with a single rounding."""
        if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
            return a * b + c
        return float(Fraction(a) * Fraction(b) + Fraction(c))

    def float_from_bits(i):
        """The float64 whose IEEE-754 bit pattern is the int64 ``i``."""
        return struct.unpack("<d", struct.pack("<q", ((int(i) + 2**63) % 2**64) - 2**63))[0]

    def bits_from_float(x):
        """The IEEE-754 bit pattern of the float64 ``x`` as an int64."""
        return struct.unpack("<q", struct.pack("<d", float(x)))[0]

    def wide_vectors():
        """No-op outside compiled code."""
        return None


else:

    @intrinsic
    def fma(typingctx, a, b, c):
        """``a * b + c`` with a single rounding (``llvm.fma.f64``)."""
        sig = types.float64(types.float64, types.float64, types.float64)

        def codegen(context, builder, signature, args):
            return builder.fma(*args)

        return sig, codegen

    @intrinsic
    def float_from_bits(typingctx, i):
        """The float64 whose IEEE-754 bit pattern is the int64 ``i`` (a bit cast)."""
        sig = types.float64(types.int64)

        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], context.get_value_type(types.float64))

        return sig, codegen

    @intrinsic
    def bits_from_float(typingctx, x):
        """The IEEE-754 bit pattern of the float64 ``x`` as an int64 (a bit cast)."""
        sig = types.int64(types.float64)

        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], context.get_value_type(types.int64))

        return sig, codegen

    @intrinsic
    def wide_vectors(typingctx):
        """Let LLVM vectorise the *calling* function at the CPU's full vector width.

        LLVM's Skylake-AVX512 / Cascade Lake tuning prefers 256-bit vectors (to limit clock
        throttling) and would use half of each AVX-512 register. The function attributes
        ``prefer-vector-width`` and ``min-legal-vector-width`` override that for the calling
        function only (no process-wide Numba setting changes). On CPUs without AVX-512 they
        have no effect. llvmlite's attribute set does not list string attributes, so they are
        added to the underlying set directly.
        """
        sig = types.none()

        def codegen(context, builder, signature, args):
            attrs = builder.function.attributes
            set.add(attrs, '"prefer-vector-width"="512"')
            set.add(attrs, '"min-legal-vector-width"="512"')
            return context.get_dummy_value()

        return sig, codegen


# ---------------------------------------------------------------------------------------------
# constants
# ---------------------------------------------------------------------------------------------

LOG2E = 1.4426950408889634  # 1/ln 2
LN2_HI = 6.93147180369123816490e-01  # fdlibm: ln2 with 32 trailing zero bits
LN2_LO = 1.90821492927058770002e-10  # ln2 - LN2_HI
SHIFTER = 6755399441055744.0  # 1.5 * 2^52: x + SHIFTER rounds x to an integer (|x| < 2^51)
SHIFTER_BITS = 0x4338000000000000  # bit pattern of SHIFTER
EXP_HI = 709.79  # above log(DBL_MAX) = 709.78...: every x >= EXP_HI overflows
EXP_LO = -746.0  # below log(2^-1075): every x <= EXP_LO underflows to 0
EXPM1_LO = -40.0  # expm1(x) rounds to -1 for x <= -37.4

# q(r) = (expm1(r) - r) / r^2 on [-ln2/2, ln2/2], degree 10
Q0 = 0.5
Q1 = 0.1666666666666667
Q2 = 0.04166666666666667
Q3 = 0.008333333333326136
Q4 = 0.0013888888888883748
Q5 = 0.00019841269874820627
Q6 = 2.4801587325547743e-05
Q7 = 2.7557255400206422e-06
Q8 = 2.75572736431103e-07
Q9 = 2.5105217004720745e-08
Q10 = 2.0914686968086876e-09


@jit
def _q(r):
    """``(expm1(r) - r) / r^2`` for ``|r| <= ln2/2``."""
    q = fma(Q10, r, Q9)
    q = fma(q, r, Q8)
    q = fma(q, r, Q7)
    q = fma(q, r, Q6)
    q = fma(q, r, Q5)
    q = fma(q, r, Q4)
    q = fma(q, r, Q3)
    q = fma(q, r, Q2)
    q = fma(q, r, Q1)
    return fma(q, r, Q0)


@jit
def exp(x):
    """``e^x`` to within 2 ulp, vectorisable (no libm call, no data-dependent branch)."""
    # clamp, written so that NaN passes through (a comparison with NaN is false)
    xc = EXP_HI if x > EXP_HI else x
    xc = EXP_LO if xc < EXP_LO else xc
    t = fma(xc, LOG2E, SHIFTER)
    kf = t - SHIFTER  # nearest integer to x / ln2, as a float
    r = fma(-kf, LN2_HI, xc)
    r = fma(-kf, LN2_LO, r)
    p = 1.0 + fma(r * r, _q(r), r)
    k = bits_from_float(t) - SHIFTER_BITS
    k1 = k >> 1
    s1 = float_from_bits((k1 + 1023) << 52)
    s2 = float_from_bits((k - k1 + 1023) << 52)
    return (p * s1) * s2


@jit
def expm1(x):
    """``e^x - 1`` to within 2 ulp (full relative precision near 0), vectorisable."""
    xc = EXP_HI if x > EXP_HI else x
    xc = EXPM1_LO if xc < EXPM1_LO else xc
    t = fma(xc, LOG2E, SHIFTER)
    kf = t - SHIFTER
    r = fma(-kf, LN2_HI, xc)
    r = fma(-kf, LN2_LO, r)
    k = bits_from_float(t) - SHIFTER_BITS
    # e^x - 1 = 2^k ((c + r) + r^2 q(r)) with c = 1 - 2^-k (exact for k <= 53, rounds to 1
    # above). Adding c to r first keeps the error near 1 ulp where c and e^r - 1 cancel (k = 1).
    kc = 64 if k > 64 else k
    c = 1.0 - float_from_bits((1023 - kc) << 52)
    m = fma(r * r, _q(r), c + r)
    half = float_from_bits((k + 1022) << 52)  # 2^(k-1): k = 1024 stays representable
    return (m * 2.0) * half  # doubling first keeps subnormal results exact


@jit
def exprel(x):
    """``x / (e^x - 1)`` with the limit 1 at x = 0 (within 3 ulp), vectorisable.

    Within 3 ulp for x below 709.78 (where e^x overflows); above it the result is 0, where
    the exact value, x e^-x, is below 3.95e-306 (for an HH rate, |V - V_half| / slope > 709);
    nan at x = +inf.
    """
    em = expm1(x)
    em = 1.0 if x == 0.0 else em  # 0/0 is never evaluated (no invalid-operation flag)
    return 1.0 if x == 0.0 else x / em


@jit
def phi1(z):
    """``(e^z - 1) / z`` with the limit 1 at z = 0 (within 3 ulp), vectorisable.

    Within 3 ulp for z below 709.78 (where e^z overflows); above it the result is +inf, although
    the exact value, about e^z / z, overflows only above z = 716.36; nan at z = +inf.
    """
    em = expm1(z)
    zz = 1.0 if z == 0.0 else z  # 0/0 is never evaluated (no invalid-operation flag)
    return 1.0 if z == 0.0 else em / zz


@jit
def logistic(x):
    """``1 / (1 + e^-x)``, vectorisable."""
    return 1.0 / (1.0 + exp(-x))


SQRT2_BITS = 0x3FF6A09E667F3BCD  # bit pattern of sqrt(2)
MANTISSA_MASK = 0x000FFFFFFFFFFFFF
ONE_BITS = 0x3FF0000000000000
TWO54 = 18014398509481984.0  # 2^54, lifts subnormal arguments into the normal range
DBL_MIN = 2.2250738585072014e-308
INF = math.inf

# log((1+s)/(1-s)) = 2s + s z L(z), z = s^2 <= (3 - 2 sqrt2)^2: L of degree 6 (Chebyshev-node
# interpolation of the exact series in 80-digit arithmetic; error < 5e-18 relative)
L1 = 0.666666666666667
L2 = 0.39999999999899505
L3 = 0.28571428625975487
L4 = 0.2222221113479508
L5 = 0.18182889125261723
L6 = 0.15331721600556042
L7 = 0.14616449685043406


@jit
def log(x):
    """Natural logarithm to within 1 ulp, vectorisable; log(0) = -inf, log(x < 0) = nan."""
    tiny = x < DBL_MIN
    xs = x * TWO54 if tiny else x
    b = bits_from_float(xs)
    e = ((b >> 52) & 0x7FF) - 1023
    e = e - 54 if tiny else e
    mb = (b & MANTISSA_MASK) | ONE_BITS  # mantissa in [1, 2)
    big = mb > SQRT2_BITS
    mb = mb - (1 << 52) if big else mb  # halve: m in [sqrt(1/2), sqrt(2))
    e = e + 1 if big else e
    f = float_from_bits(mb) - 1.0
    s = f / (2.0 + f)
    z = s * s
    w = fma(L7, z, L6)
    w = fma(w, z, L5)
    w = fma(w, z, L4)
    w = fma(w, z, L3)
    w = fma(w, z, L2)
    w = fma(w, z, L1)
    R = z * w
    hfsq = 0.5 * f * f
    dk = float(e)
    # log(m) = f - hfsq + s (hfsq + R)  (fdlibm's arrangement), plus e ln2 in two parts
    res = dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f)
    res = res if x > 0.0 else (-INF if x == 0.0 else math.nan)
    return x if x == INF else res


@jit
def pow_pos(x, y):
    """``x ** y`` for x > 0 as ``exp(y log x)`` (relative error about ``|y log x|`` ulp)."""
    return exp(y * log(x))
