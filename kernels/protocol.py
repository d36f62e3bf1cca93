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

The quasi-linear form lets one driver implement every method: the exponential (generalised
Rush-Larsen) step ``y += dt (A - B y) phi1(-B dt)``, with ``phi1(z) = (e^z - 1)/z``, is exact
for gates (Rush & Larsen 1978) and reduces to forward Euler for states with ``B = 0``.

Speed. The driver calls ``rates`` in a loop over the cells of a block, which LLVM vectorises
only if ``rates`` is branch-light straight-line code without library calls: use ``exp``,
``expm1``, ``log``, ``exprel``, ``logistic`` and ``pow_pos`` from
:mod:`biophys.kernels.fastmath` (or the helpers in :mod:`biophys.kernels.gating` and
:mod:`biophys.kernels.ghk`, which use them) instead of ``math.exp``/``math.log``/``**``.
"""

from .fastmath import phi1

__all__ = ["phi1"]  # ``(exp(z) - 1)/z``, limit 1 at z = 0; vectorisable (see fastmath)
