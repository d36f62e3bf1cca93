"""The kernel protocol every cell model follows (documentation and shared helpers).

A model kernel module ``biophys.kernels.models.<name>`` defines:

``STATE_NAMES``, ``PARAM_NAMES``, ``AUX_NAMES``
    Tuples of names giving the layout of the state, parameter and algebraic-output arrays.
    ``STATE_NAMES[0]`` is always ``"V"`` (membrane potential, mV).

``rates(Y, P, c, t, I_ext, A, B)``
    Writes the right-hand side of cell (column) ``c`` in quasi-linear form,
    ``dy_i/dt = A[i, c] - B[i, c] * y_i``, with ``B >= 0``. Gating variables put
    ``A = x_inf/tau``, ``B = 1/tau`` (or ``A = alpha``, ``B = alpha + beta``); any other state
    puts ``A = f(y)`` and ``B = 0`` (or, optionally, ``B`` = minus the diagonal Jacobian entry
    and ``A = f + B y``). ``Y`` is ``(n_states, n_cells_block)``, ``P`` is
    ``(n_params, n_cells_block)``; ``t`` in ms; ``I_ext`` is the stimulus current density
    (same unit as the model's membrane current, positive = depolarising). Must not allocate.

``aux(Y, P, c, t, I_ext, OUT)``
    Writes the algebraic outputs of cell ``c`` (currents, fluxes, rates) into ``OUT[:, c]`` in
    ``AUX_NAMES`` order.

Optionally, ``rates_V(Y, P, c, t, I_ext, A, B)``
    Writes only row 0 (V) of ``A`` and ``B``, the same values as ``rates``. The ``staggered``
    method needs the V row again after the other states have moved; without ``rates_V`` it
    calls the whole ``rates`` for it.

Optionally, ``DERIVED_NAMES`` and ``derive(P, c)``
    Quantities that depend only on the parameters (for example the surface-charge gating
    shift, which needs a Newton solve) are computed once per cell per run instead of at every
    step: ``derive`` reads the parameter rows of cell ``c`` and writes derived value ``k``
    into row ``len(PARAM_NAMES) + k`` of ``P``, where ``rates`` and ``aux`` read it. The driver
    allocates those rows and calls ``derive`` after loading a block; Python callers of
    ``rates``/``aux`` use :func:`block_parameters`.

The quasi-linear form lets one driver implement every method: the exponential (generalised
Rush-Larsen) step ``y += dt (A - B y) phi1(-B dt)``, with ``phi1(z) = (e^z - 1)/z``, is exact
for gates (Rush & Larsen 1978) and reduces to forward Euler for states with ``B = 0``.

Speed. The driver calls ``rates`` in a loop over the cells of a block, which LLVM vectorises
only if ``rates`` is branch-light straight-line code without library calls: use ``exp``,
``expm1``, ``log``, ``exprel``, ``logistic`` and ``pow_pos`` from
:mod:`biophys.kernels.fastmath` (or the helpers in :mod:`biophys.kernels.gating` and
:mod:`biophys.kernels.ghk`, which use them) instead of ``math.exp``/``math.log``/``**``.
"""

import numpy as np

from .fastmath import phi1

__all__ = ["block_parameters", "phi1"]  # phi1: ``(exp(z) - 1)/z``, limit 1 at z = 0


def block_parameters(kernel, P):
    """The parameter array that ``kernel.rates``/``kernel.aux`` read: ``P`` with the kernel's
    derived rows (``DERIVED_NAMES``) appended and filled by ``kernel.derive``.

    Parameters
    ----------
    kernel : module
        A model kernel module.
    P : array_like
        ``(len(PARAM_NAMES), n_cells)`` parameters in the units of ``PARAM_NAMES``.

    Returns
    -------
    numpy.ndarray
        A new C-contiguous ``(len(PARAM_NAMES) + len(DERIVED_NAMES), n_cells)`` float64 array.
    """
    P = np.asarray(P, dtype=np.float64)
    n_derived = len(getattr(kernel, "DERIVED_NAMES", ()))
    out = np.zeros((P.shape[0] + n_derived, P.shape[1]))
    out[:P.shape[0]] = P
    for c in range(P.shape[1] if n_derived else 0):
        kernel.derive(out, c)
    return out
