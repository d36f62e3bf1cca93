"""Conservation in the classic beta-cell models: membrane charge, Ca2+ and (IOM1.7) metabolites.

``chay_keizer_1983``, ``sherman_rinzel_keizer_1988``, ``bertram_sherman_2004`` and
``iom_1_7`` track no ion that carries all of their currents, so identity (2) of
:mod:`biophys.conservation` does not apply. What must hold is

* the membrane equation: the charge on the membrane, ``C_m dV``, changes by minus the time
  integral of the model's currents, each with the weight its published V equation gives it;
* the Ca2+ bookkeeping: free cytosolic Ca2+ (and ER Ca2+ where there is an ER) changes only by
  the plasma-membrane and ER fluxes of the published equations, scaled by the free fraction
  and the compartment volumes;
* IOM1.7's glycolytic intermediates (F6P, FBP) and ADP change only by their published fluxes.

The coefficients are written below from the Bertram lab's model files (``ck.ode``,
``srk.ode``, ``Models/Phantom_II/figure13.ode``, ``IOM_1_7.ode``; github.com/artielbm/
artielbm.github.io) and the declared parameter values, not read from the kernels. The checks
rebuild the driver's own steps, so each balance holds to rounding for every fixed-step method
when the listed terms are the state's whole right-hand side; a wrong factor or a missing term
fails by more than 1e-4 of the gross flux. Every run moves the checked quantity (spiking
cells, starting away from rest). A 1 % change of any coefficient whose term is non-zero in the
run raises the error above 1e-4 (smallest 1.4e-4, measured when this file was written); J_IP3
and I_SOC are zero as published (IP3 = 0, g_SOC = 0), so they are tested in runs with
IP3 = 0.5 uM and g_SOC = 10 pS.

Rounding floors: each step stores ``y + dy``, so the mismatch grows with ``eps |y|`` per step.
Where a state is much larger than its change over the run (ER Ca2+, FBP: ~100x; F6P, ADP:
4000-8000x) the floor relative to the gross flux is higher (measured up to 3e-11 for ADP and
F6P, 4e-13 for Ca_ER, 1e-13 elsewhere). ``error_currents`` of check_conservation is relative to
the net charge, which is 0.3 % of the gross in the Bertram-Sherman run (measured up to 2e-13).
The thresholds sit one to two decades above the measured errors and at least five decades
below the negative controls.
"""

import pytest

import biophys as bp
from biophys.conservation import check_balance, check_conservation

METHODS = ["rl1", "rl2", "rl2ab", "staggered"]


def _values(name):
    return {q.name: q.value for q in bp.model(name).parameters}


def _spikes(name, run):
    # recording an output runs the same compiled driver as the checks (one compilation)
    ds = bp.simulate(name, record=["V", "I_Ca"], **run)
    return ds.sizes["spike"]


# ---------------------------------------------------------------------------------------------
# Chay & Keizer (1983), ck.ode: V in mV, currents in uA/cm^2, Ca_i in uM, radius in cm
# ---------------------------------------------------------------------------------------------
CK = "chay_keizer_1983"
PCK = _values(CK)
#: ck.ode: v' = (iapp + 2 i_ca + i_k + i_kca + i_l)/cm (inward-positive currents there). The Ca2+
#: current enters the V equation twice, so identity (1) of check_conservation, which sums each
#: listed current once, cannot express it: the membrane balance is checked with check_balance
#: on V, with the weight of each (outward-positive) output divided by C_m (mV/ms per uA/cm^2).
CK_V = {"I_Ca": -2.0 / PCK["C_m"], "I_K": -1.0 / PCK["C_m"], "I_KCa": -1.0 / PCK["C_m"],
        "I_L": -1.0 / PCK["C_m"]}
#: ck.ode's Faraday constant (fara), C/mol
CK_FARA = 96487.0
#: ck.ode: ca' = f (3/(r fara) i_ca - kca ca). 1 uA/cm^2 / (1 cm x 1 C/mol) = 1e-6 mol/(s cm^3)
#: = 1 uM/ms, so 3/(r F) is in uM/ms per uA/cm^2. It equals a Ca2+ current of 2 I_Ca (the V
#: equation's weight) at z = 2 into a sphere of radius r (area/volume 3/r): 2/(2 F) x 3/r.
CK_CA = {"I_Ca": -PCK["f_Ca"] * 3.0 / (PCK["r_cell"] * CK_FARA),
         "Ca_i": -PCK["f_Ca"] * PCK["k_Ca"]}
#: from the file's initial state (the start of a burst): first spike at 34 ms, ~20 in 200 ms
CK_RUN = dict(t_end=200.0)


def test_ck_run_spikes():
    """The Chay-Keizer run is a burst under way, so V and Ca2+ really move."""
    assert _spikes(CK, CK_RUN) >= 15


@pytest.mark.parametrize("method", METHODS)
def test_ck_membrane_charge(method):
    """Chay-Keizer: V moves by exactly -(2 I_Ca + I_K + I_KCa + I_L)/C_m integrated over the
    run (the factor 2 on I_Ca is in ck.ode), for every fixed-step method."""
    r = check_balance(CK, "V", CK_V, method=method, **CK_RUN)
    assert r.gross > 300.0, str(r)  # mV: ~20 spikes of ~40 mV up and down
    assert r.error < 1e-12, str(r)


def test_ck_membrane_charge_needs_the_factor_two():
    """Each current counted once (check_conservation's identity (1)), or I_Ca once in the V
    balance, misses half the Ca2+ current's charge: both fail by far more than rounding."""
    r = check_conservation(CK, currents=["I_Ca", "I_K", "I_KCa", "I_L"], capacitance="C_m",
                           **CK_RUN)
    assert r.error_currents > 0.5, str(r)
    for wrong in ({"I_Ca": -1.0 / PCK["C_m"]}, {"I_L": 0.0}):
        r = check_balance(CK, "V", {**CK_V, **wrong}, **CK_RUN)
        assert r.error > 1e-4, str(r)


def test_ck_calcium_balance():
    """Chay-Keizer: free Ca2+ rises by the fraction f of the Ca2+ carried in by the Ca2+
    current into the cell volume (3/(r F) per unit I_Ca) and falls by f k_Ca Ca_i, nothing
    else."""
    r = check_balance(CK, "Ca_i", CK_CA, **CK_RUN)
    assert r.change > 0.05, str(r)  # uM: Ca_i climbs from 0.11 to 0.19 uM during the burst
    assert r.error < 1e-12, str(r)


@pytest.mark.parametrize("wrong, floor", [
    ({"I_Ca": CK_CA["I_Ca"] / 2.0}, 1e-4),   # z = 2 applied to 3/(r F) once more
    ({"Ca_i": 0.0}, 1e-4),                    # the removal left out
    # CODATA F (96485.33) instead of ck.ode's 96487: 1.7e-5 of the influx, still resolved
    ({"I_Ca": -PCK["f_Ca"] * 3.0 / (PCK["r_cell"] * 96485.33212)}, 1e-6),
])
def test_ck_calcium_balance_fails_for_wrong_bookkeeping(wrong, floor):
    """Half the Ca2+ entry, no removal, or even another value of the Faraday constant does
    not account for the change of Ca_i: the check sees the file's exact stoichiometry."""
    r = check_balance(CK, "Ca_i", {**CK_CA, **wrong}, **CK_RUN)
    assert r.error > floor, str(r)


# ---------------------------------------------------------------------------------------------
# Sherman, Rinzel & Keizer (1988), srk.ode: fA, pS, fF, uM
# ---------------------------------------------------------------------------------------------
SRK = "sherman_rinzel_keizer_1988"
PSRK = _values(SRK)
SRK_CURRENTS = ["I_Ca", "I_K", "I_KCa"]
#: srk.ode: ca' = f (-alpha ica - kca ca). alpha = 4.506e-6 uM/(fA ms) is 1/(2 F vol) for a
#: sphere whose membrane (1 uF/cm^2) has C_m = 5309.3 fF (r = 6.5 um, 1150 fL), to 0.03 %.
SRK_CA = {"I_Ca": -PSRK["f_Ca"] * PSRK["alpha"], "Ca_i": -PSRK["f_Ca"] * PSRK["k_Ca"]}
#: from the file's initial state (Ca_i = 0.5 uM): six spikes in the first second
SRK_RUN = dict(t_end=1000.0)


def test_srk_run_spikes():
    """The SRK run spikes, so V and Ca2+ really move."""
    assert _spikes(SRK, SRK_RUN) >= 5


@pytest.mark.parametrize("method", METHODS)
def test_srk_membrane_charge(method):
    """SRK: the charge on the membrane changes by minus the integral of I_Ca + I_K + I_KCa,
    each once (srk.ode has no leak), for every fixed-step method."""
    r = check_conservation(SRK, currents=SRK_CURRENTS, capacitance="C_m", method=method,
                           **SRK_RUN)
    assert r.gross_charge > 1e6, str(r)  # fC: ~290 mV swept at 5.3 pF
    assert r.error_currents < 1e-11, str(r)


@pytest.mark.parametrize("method", METHODS)
def test_srk_calcium_balance(method):
    """SRK: free Ca2+ changes by the fraction f of the Ca2+ influx alpha I_Ca and of the
    first-order removal k_Ca Ca_i, for every fixed-step method."""
    r = check_balance(SRK, "Ca_i", SRK_CA, method=method, **SRK_RUN)
    assert abs(r.change) > 0.01, str(r)  # uM
    assert r.error < 1e-12, str(r)


def test_srk_bookkeeping_fails_when_wrong():
    """Without the K(Ca) current the membrane charge is not accounted for; with one Ca2+ per
    charge, or the removal without the free fraction or left out, Ca_i is not."""
    r = check_conservation(SRK, currents=["I_Ca", "I_K"], capacitance="C_m", **SRK_RUN)
    assert r.error_currents > 1e-4, str(r)  # I_KCa left out
    for wrong in ({"I_Ca": 2.0 * SRK_CA["I_Ca"]},  # one Ca2+ per charge (z = 1)
                  {"Ca_i": -PSRK["k_Ca"]},          # removal without the free fraction f
                  {"Ca_i": 0.0}):                   # removal left out
        r = check_balance(SRK, "Ca_i", {**SRK_CA, **wrong}, **SRK_RUN)
        assert r.error > 1e-4, str(r)


# ---------------------------------------------------------------------------------------------
# Bertram & Sherman (2004), figure13.ode: fA, pS, fF, uM; cytosol and ER
# ---------------------------------------------------------------------------------------------
BS = "bertram_sherman_2004"
PBS = _values(BS)
BS_CURRENTS = ["I_Ca", "I_K", "I_KCa", "I_KATP"]
FCYT, FER, VCYT_VER = PBS["f_cyt"], PBS["f_ER"], PBS["V_cyt_over_V_ER"]
#: figure13.ode: jmem = -(alpha ica + kpmca c); jer = jleak + jip3 - jserca (net ER efflux);
#: c' = fcyt (jmem + jer). The PMCA is not an output; its flux k_PMCA c is linear in Ca_i alone.
BS_CA = {"I_Ca": -FCYT * PBS["alpha"], "Ca_i": -FCYT * PBS["k_PMCA"],
         "J_SERCA": -FCYT, "J_leak": FCYT, "J_IP3": FCYT}
#: cer' = -fer vcytver jer
BS_CA_ER = {"J_SERCA": FER * VCYT_VER, "J_leak": -FER * VCYT_VER, "J_IP3": -FER * VCYT_VER}
#: a state of the default run's first active phase (t = 40 s, rounded): 8 spikes in 0.5 s
BS_ACTIVE = {"V": -27.6, "n": 0.111, "Ca_i": 0.191, "Ca_ER": 74.0, "a": 0.466}
BS_RUN = dict(initial=BS_ACTIVE, t_end=500.0)
#: Fig. 13 has IP3 = 0 (J_IP3 = 0); with 0.5 uM the IP3 receptors empty the ER (Ca_ER falls by
#: 32 uM in 0.5 s), so J_IP3's coefficient is tested too
BS_RUN_IP3 = dict(initial=BS_ACTIVE, t_end=500.0, params={"IP3": 0.5})


def test_bs_run_spikes():
    """The Bertram-Sherman run starts in an active phase and spikes."""
    assert _spikes(BS, BS_RUN) >= 5


@pytest.mark.parametrize("method", METHODS)
def test_bs_membrane_charge(method):
    """Bertram-Sherman: the charge on the membrane changes by minus the integral of its four
    currents (Ca2+, delayed rectifier, K(Ca), K(ATP)), for every fixed-step method."""
    r = check_conservation(BS, currents=BS_CURRENTS, capacitance="C_m", method=method, **BS_RUN)
    assert r.gross_charge > 1e6, str(r)  # fC
    assert r.error_currents < 1e-11, str(r)


@pytest.mark.parametrize("method", METHODS)
def test_bs_calcium_balances(method):
    """Bertram-Sherman: cytosolic free Ca2+ changes by f_cyt times the membrane flux
    (-alpha I_Ca - k_PMCA c) and the net ER efflux (leak + IP3R - SERCA); ER free Ca2+ by
    -f_ER V_cyt/V_ER times that same efflux; for every fixed-step method."""
    r = check_balance(BS, "Ca_i", BS_CA, method=method, **BS_RUN)
    assert r.gross > 10.0 * abs(r.change) > 0.0, str(r)  # in and out with every spike
    assert r.error < 1e-12, str(r)
    r = check_balance(BS, "Ca_ER", BS_CA_ER, method=method, **BS_RUN)
    assert r.change > 0.5, str(r)  # uM: the ER fills during the active phase
    assert r.error < 1e-11, str(r)


def test_bs_er_exchange_conserves_calcium():
    """With all three ER fluxes active (IP3 > 0), both compartments balance with the same
    outputs J_SERCA, J_leak and J_IP3, and for each of them the ER coefficient is
    -(f_ER/f_cyt) V_cyt/V_ER times the cytosolic one: the total Ca2+ of the cell,
    V_cyt c/f_cyt + V_ER c_ER/f_ER, is not changed by the ER exchange, only by the membrane
    fluxes."""
    for state, fluxes in (("Ca_i", BS_CA), ("Ca_ER", BS_CA_ER)):
        r = check_balance(BS, state, fluxes, **BS_RUN_IP3)
        assert abs(r.change) > 1.0, str(r)  # uM: the ER empties into the cytosol
        assert r.error < 1e-12, str(r)
    for name in ("J_SERCA", "J_leak", "J_IP3"):
        # per unit of cytosolic volume: V_cyt dc/f_cyt + V_ER dc_ER/f_ER, V_ER = V_cyt/ratio
        assert BS_CA[name] / FCYT + BS_CA_ER[name] / (FER * VCYT_VER) == pytest.approx(
            0.0, abs=1e-15)


@pytest.mark.parametrize("state, wrong, run", [
    ("Ca_i", {"Ca_i": 0.0}, BS_RUN),                    # the PMCA left out
    ("Ca_i", {"J_SERCA": FCYT}, BS_RUN),                # SERCA pumping into the cytosol
    ("Ca_i", {"I_Ca": -PBS["alpha"]}, BS_RUN),          # influx without the free fraction
    ("Ca_ER", {"J_SERCA": FER, "J_leak": -FER}, BS_RUN),  # the volume ratio left out
    ("Ca_i", {"J_IP3": 0.0}, BS_RUN_IP3),               # the IP3 receptor left out
    ("Ca_ER", {"J_IP3": 0.0}, BS_RUN_IP3),
])
def test_bs_calcium_balance_fails_for_wrong_bookkeeping(state, wrong, run):
    """A missing pump or IP3-receptor flux, a SERCA pumping the wrong way, an influx without
    the free fraction or ER fluxes without the volume ratio do not account for the change."""
    fluxes = BS_CA if state == "Ca_i" else BS_CA_ER
    r = check_balance(BS, state, {**fluxes, **wrong}, **run)
    assert r.error > 1e-4, str(r)


def test_bs_charge_fails_without_katp():
    """Without the K(ATP) current the membrane charge is not accounted for."""
    r = check_conservation(BS, currents=BS_CURRENTS[:3], capacitance="C_m", **BS_RUN)
    assert r.error_currents > 1e-4, str(r)


# ---------------------------------------------------------------------------------------------
# IOM1.7, IOM_1_7.ode: fA, pS, fF, uM; cytosol, ER, glycolysis, adenine nucleotides
# ---------------------------------------------------------------------------------------------
IOM = "iom_1_7"
PIOM = _values(IOM)
IOM_CURRENTS = ["I_Ca", "I_K", "I_KCa", "I_KATP", "I_SOC"]
FCA, SIGMA = PIOM["f_Ca"], PIOM["sigma_ER"]
#: IOM_1_7.ode: Jin = -alpha (ica + Isoc); c' = fca (Jin - Jpmca - (Jserca - Jleak))
IOM_CA = {"I_Ca": -FCA * PIOM["alpha"], "I_SOC": -FCA * PIOM["alpha"], "J_PMCA": -FCA,
          "J_SERCA": -FCA, "J_leak": FCA}
#: cer' = fca sigmaer (Jserca - Jleak)
IOM_CA_ER = {"J_SERCA": FCA * SIGMA, "J_leak": -FCA * SIGMA}
#: f6p' = kgo 0.3 (Jgk - Jpfk); fbp' = kgo (Jpfk - 0.5 Jpdh) (one FBP gives two trioses, each
#: one PDH turnover)
IOM_F6P = {"J_GK": 0.3 * PIOM["k_GO"], "J_PFK": -0.3 * PIOM["k_GO"]}
IOM_FBP = {"J_PFK": PIOM["k_GO"], "J_PDH": -0.5 * PIOM["k_GO"]}
#: adp' = kadp (Jhyd - Jprod)/taua; the outputs J_hyd and J_prod already carry kadp/taua (the
#: file's aux cons and prod), so their coefficients are +1 and -1
IOM_ADP = {"J_hyd": 1.0, "J_prod": -1.0}
#: a state of the default run's first active phase (t = 150 s, rounded): 4 spikes in 0.5 s
IOM_ACTIVE = {"V": -33.1, "n": 0.0113, "Ca_ER": 215.7, "Ca_i": 0.135, "ADP": 788.7,
              "F6P": 64.6, "FBP": 204.3}
IOM_RUN = dict(initial=IOM_ACTIVE, t_end=500.0)
#: g_SOC = 0 as published; 10 pS (the file's commentary value) makes I_SOC carry charge and
#: Ca2+, so its coefficients are tested too
IOM_RUN_SOC = dict(initial=IOM_ACTIVE, t_end=500.0, params={"g_SOC": 10.0})


def test_iom_run_spikes():
    """The IOM1.7 run starts in an active phase and spikes."""
    assert _spikes(IOM, IOM_RUN) >= 3


@pytest.mark.parametrize("method", METHODS)
def test_iom_membrane_charge(method):
    """IOM1.7: the charge on the membrane changes by minus the integral of its five currents
    (Ca2+, delayed rectifier, K(Ca), K(ATP), store-operated), for every fixed-step method."""
    r = check_conservation(IOM, currents=IOM_CURRENTS, capacitance="C_m", method=method,
                           **IOM_RUN)
    assert r.gross_charge > 1e6, str(r)  # fC
    assert r.error_currents < 1e-11, str(r)


@pytest.mark.parametrize("method", METHODS)
def test_iom_calcium_balances(method):
    """IOM1.7: cytosolic free Ca2+ changes by f_Ca times the Ca2+ entry alpha (I_Ca + I_SOC),
    PMCA extrusion, SERCA uptake and the ER leak; ER free Ca2+ by f_Ca sigma_ER times SERCA
    uptake minus leak; for every fixed-step method."""
    r = check_balance(IOM, "Ca_i", IOM_CA, method=method, **IOM_RUN)
    assert r.gross > 10.0 * abs(r.change) > 0.0, str(r)
    assert r.error < 1e-12, str(r)
    r = check_balance(IOM, "Ca_ER", IOM_CA_ER, method=method, **IOM_RUN)
    assert r.change > 1.0, str(r)  # uM: the ER fills during the active phase
    assert r.error < 1e-11, str(r)


def test_iom_store_operated_current_and_er_exchange():
    """With I_SOC on, it carries membrane charge and Ca2+ with the same alpha as I_Ca; the
    cytosol and the ER balance with the same J_SERCA and J_leak, with coefficients in the ratio
    -sigma_ER = -V_cyt/V_ER (the same free fraction in both): the ER exchange moves Ca2+
    between the compartments without creating or losing any."""
    r = check_conservation(IOM, currents=IOM_CURRENTS, capacitance="C_m", **IOM_RUN_SOC)
    assert r.error_currents < 1e-11, str(r)
    r = check_balance(IOM, "Ca_i", IOM_CA, **IOM_RUN_SOC)
    assert r.error < 1e-12, str(r)
    r = check_balance(IOM, "Ca_ER", IOM_CA_ER, **IOM_RUN_SOC)
    assert r.error < 1e-11, str(r)
    for name in ("J_SERCA", "J_leak"):
        assert IOM_CA[name] / FCA + IOM_CA_ER[name] / (FCA * SIGMA) == pytest.approx(
            0.0, abs=1e-15)


def test_iom_glycolysis_and_adp():
    """IOM1.7: F6P is made by glucokinase and used by PFK (both scaled by 0.3 k_GO); FBP is made
    by PFK and used at half the PDH flux (k_GO); ADP changes by hydrolysis minus
    phosphorylation. Each holds to rounding over an active-phase run."""
    r = check_balance(IOM, "F6P", IOM_F6P, **IOM_RUN)
    assert r.change > 0.0 and r.error < 1e-9, str(r)
    r = check_balance(IOM, "FBP", IOM_FBP, **IOM_RUN)
    assert r.change < -0.5 and r.error < 1e-11, str(r)  # uM
    r = check_balance(IOM, "ADP", IOM_ADP, **IOM_RUN)
    assert r.change > 0.05 and r.error < 1e-9, str(r)  # uM: Ca2+ pumping burns ATP


@pytest.mark.parametrize("state, fluxes, run", [
    ("Ca_i", {**IOM_CA, "J_SERCA": 0.0}, IOM_RUN),                  # SERCA left out
    ("Ca_i", {**IOM_CA, "I_SOC": 0.0}, IOM_RUN_SOC),                # I_SOC's Ca2+ left out
    ("Ca_ER", {"J_SERCA": FCA, "J_leak": -FCA}, IOM_RUN),           # without sigma_ER
    ("F6P", {"J_GK": 1.0, "J_PFK": -1.0}, IOM_RUN),                 # without the 0.3
    ("FBP", {"J_PFK": 1.0, "J_PDH": -1.0}, IOM_RUN),                # one PDH turnover per FBP
    ("ADP", {"J_hyd": 1.0}, IOM_RUN),                               # production left out
])
def test_iom_balances_fail_for_wrong_bookkeeping(state, fluxes, run):
    """A missing SERCA or store-operated Ca2+ flux, ER fluxes without the volume ratio, F6P
    fluxes without the 0.3, one PDH turnover per FBP, or ADP without its production do not
    account for the change."""
    r = check_balance(IOM, state, fluxes, **run)
    assert r.error > 1e-4, str(r)


def test_iom_charge_fails_without_soc():
    """With I_SOC on, leaving it out leaves membrane charge unaccounted for."""
    r = check_conservation(IOM, currents=IOM_CURRENTS[:4], capacitance="C_m", **IOM_RUN_SOC)
    assert r.error_currents > 1e-4, str(r)
