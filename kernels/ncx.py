"""Na+/Ca2+ exchanger (NCX) carrier of Cha et al. (2011), shared by the models that use it.

Cha CY, Nakamura Y, Himeno Y, Wang J, Fujimoto S, Inagaki N, Earm YE, Noma A (2011) J Gen
Physiol 138:21-37; equations of procedure ``calculateINaCa`` of the NEURON port by C. L. Lei,
``chonlei/bHub_sim``, file ``models/betacell_cha2011_hraha2014/bcellcha.mod`` (the same block
is in ``models/betacell_cha2011_v3/bcell_cha.mod``), written here as independent code. Rate
constants in 1/ms, concentrations in mM, V and RT/F in mV. Users:
:mod:`biophys.kernels.models.beta_cell` (the published model) and
:mod:`biophys.kernels.models.zg_cell` (as the second Ca2+ sink).
"""

from . import fastmath as fm
from ._jit import jit

#: The exchanger constants of Cha et al. (2011) (``bcellcha.mod`` PARAMETER block), keyed by the
#: biophys parameter names: amplitude AmpINaCa in pA (for the model's 6.158 pF cell),
#: dissociation constants KdNai, KdCai, KdNao, KdCao in mM, and the electrical distance of Na+
#: translocation (1). Declared once here for every model that uses the carrier.
CHA_2011_NCX = {"I_NCX_max": 204.0, "K_NCX_Nai": 20.75, "K_NCX_Cai": 0.0184,
                "K_NCX_Nao": 87.5, "K_NCX_Cao": 1.38, "partition_NCX": 0.32}

# Fixed constants of the carrier, as in ``bcellcha.mod`` (procedure calculateINaCa and the
# PARAMETER block). Numba compiles module-level floats as constants.
#: Ca2+ translocation rates k3 (E1 -> E2, in kb) and k4 (E2 -> E1, in kf), 1/ms (``k3``, ``k4``).
NCX_K3 = 1.0
NCX_K4 = 1.0
#: Half-saturation of the Ca2+ dependence of inactivation, mM: ``fCa = cai/(cai + 0.004)``
#: (a literal in ``bcellcha.mod``, no variable name).
NCX_K_FCA = 0.004
# Inactivation rates, 1/ms, literals of the ``alpha1``, ``beta1``, ``alpha2`` and ``beta2``
# expressions (each ``fCa * <Ca value> + (1 - fCa) * <Ca-free value>``; alpha1 also * pE1Na).
#: alpha1 (E1 -> I1, Na+-dependent inactivation) at fCa = 1 and at fCa = 0, 1/ms.
NCX_ALPHA1_CA = 0.002
NCX_ALPHA1_NOCA = 0.0015
#: beta1 (I1 -> E1) at fCa = 1 and at fCa = 0, 1/ms.
NCX_BETA1_CA = 0.0012
NCX_BETA1_NOCA = 0.0000005
#: alpha2 (E1 -> I2, Ca2+-dependent inactivation) at fCa = 1 and at fCa = 0, 1/ms.
NCX_ALPHA2_CA = 0.00003
NCX_ALPHA2_NOCA = 0.01
#: beta2 (I2 -> E1) at fCa = 1 and at fCa = 0, 1/ms.
NCX_BETA2_CA = 0.09
NCX_BETA2_NOCA = 0.0001


@jit
def ncx_rates(V, Na_i, Ca_i, Na_o, Ca_o, RTF, K_Nai, K_Cai, K_Nao, K_Cao, partition):
    """Rates of the Na+/Ca2+ exchanger carrier model of Cha et al. (2011), 1/ms.

    Four states: E1 (inward-facing), E2 (outward-facing), I1 and I2 (inactivated, entered
    from E1; Na+-dependent and Ca2+-dependent inactivation). Occupancies of the transport
    sites by 3 Na+ or 1 Ca2+ (rapid equilibrium, competitive)::

        pE1Na = 1/(1 + (K_Nai/Na_i)^3 (1 + Ca_i/K_Cai))
        pE1Ca = 1/(1 + (K_Cai/Ca_i) (1 + (Na_i/K_Nai)^3))
        pE2Na = 1/(1 + (K_Nao/Na_o)^3 (1 + Ca_o/K_Cao))
        pE2Ca = 1/(1 + (K_Cao/Ca_o) (1 + (Na_o/K_Nao)^3))

    Na+ translocation is voltage dependent (``k1 = exp(partition FV/RT)``, ``k2 =
    exp((partition - 1) FV/RT)``), Ca2+ translocation is not (``NCX_K3 = NCX_K4 = 1/ms``);
    ``kf`` (E2 -> E1) and ``kb`` (E1 -> E2) follow. Inactivation rates depend on ``fCa =
    Ca_i/(Ca_i + NCX_K_FCA)`` with ``NCX_K_FCA = 0.004 mM``; their constants are the module's
    ``NCX_ALPHA1_CA`` ... ``NCX_BETA2_NOCA`` (``bcellcha.mod`` calculateINaCa).

    Returns
    -------
    tuple
        ``(k1 pE1Na, k2 pE2Na, kf, kb, alpha1, beta1, alpha2, beta2)``. The exchanger current
        (outward = 3 Na+ out, 1 Ca2+ in per cycle) is :func:`ncx_current`.
    """
    pe1na = 1.0 / (1.0 + (K_Nai / Na_i) ** 3 * (1.0 + Ca_i / K_Cai))
    pe1ca = 1.0 / (1.0 + (K_Cai / Ca_i) * (1.0 + (Na_i / K_Nai) ** 3))
    pe2na = 1.0 / (1.0 + (K_Nao / Na_o) ** 3 * (1.0 + Ca_o / K_Cao))
    pe2ca = 1.0 / (1.0 + (K_Cao / Ca_o) * (1.0 + (Na_o / K_Nao) ** 3))
    v_rtf = V / RTF
    k1 = fm.exp(partition * v_rtf)
    k2 = fm.exp((partition - 1.0) * v_rtf)
    f_ca = Ca_i / (Ca_i + NCX_K_FCA)
    alpha1 = pe1na * (f_ca * NCX_ALPHA1_CA + (1.0 - f_ca) * NCX_ALPHA1_NOCA)
    beta1 = f_ca * NCX_BETA1_CA + (1.0 - f_ca) * NCX_BETA1_NOCA
    alpha2 = f_ca * NCX_ALPHA2_CA + (1.0 - f_ca) * NCX_ALPHA2_NOCA
    beta2 = f_ca * NCX_BETA2_CA + (1.0 - f_ca) * NCX_BETA2_NOCA
    kf = k2 * pe2na + NCX_K4 * pe2ca
    kb = k1 * pe1na + NCX_K3 * pe1ca
    return k1 * pe1na, k2 * pe2na, kf, kb, alpha1, beta1, alpha2, beta2


@jit
def ncx_current(I_max, k1_pE1Na, k2_pE2Na, E1, I1, I2):
    """Exchanger current and the outward-facing occupancy ``E2 = 1 - E1 - I1 - I2``.

    ``I_max (k1 pE1Na E1 - k2 pE2Na E2)`` in the unit of ``I_max`` (outward positive: 3 Na+
    out and 1 Ca2+ in per net cycle), with ``k1 pE1Na`` and ``k2 pE2Na`` from
    :func:`ncx_rates` and the carrier occupancies E1, I1, I2 (1). Returns ``(I_NaCa, E2)``.
    """
    e2 = 1.0 - E1 - I1 - I2
    return I_max * (k1_pE1Na * E1 - k2_pE2Na * e2), e2


@jit
def ncx_slope(I_max, k1_pE1Na, k2_pE2Na, E1, E2, partition, RTF):
    """``dI_NaCa/dV`` at frozen carrier occupancies, in the unit of ``I_max`` per mV.

    Only ``k1 = exp(partition V/RTF)`` and ``k2 = exp((partition - 1) V/RTF)`` depend on V,
    so the slope is ``I_max (k1 pE1Na E1 partition + k2 pE2Na E2 (1 - partition))/RTF``
    (>= 0): the exchanger's share of a model's quasi-linear membrane conductance.
    """
    return I_max * (k1_pE1Na * E1 * partition + k2_pE2Na * E2 * (1.0 - partition)) / RTF


@jit
def ncx_carrier_rates(Y, c, e1_row, i1_row, i2_row, kf, kb, alpha1, beta1, alpha2, beta2, A, B):
    """Write the carrier-state equations of cell ``c`` as ``dY/dt = A - B Y`` (1/ms).

    ``e1_row``, ``i1_row`` and ``i2_row`` are the rows of E1, I1 and I2 in ``Y``/``A``/``B``
    (E2 = 1 - E1 - I1 - I2); the rates are those returned by :func:`ncx_rates`::

        dE1/dt = kf E2 + beta1 I1 + beta2 I2 - (kb + alpha1 + alpha2) E1
        dI1/dt = alpha1 E1 - beta1 I1,    dI2/dt = alpha2 E1 - beta2 I2
    """
    i1 = Y[i1_row, c]
    i2 = Y[i2_row, c]
    A[e1_row, c] = kf * (1.0 - i1 - i2) + beta1 * i1 + beta2 * i2
    B[e1_row, c] = kf + kb + alpha1 + alpha2
    e1 = Y[e1_row, c]
    A[i1_row, c] = alpha1 * e1
    B[i1_row, c] = beta1
    A[i2_row, c] = alpha2 * e1
    B[i2_row, c] = beta2
