"""Mg2+/H+/K+ speciation of ATP and ADP, and the free-Mg2+ mass balance.

The reference numbers are computed here, independently of the kernel, from the published
dissociation constants (Beard & Qian 2008 Table 5.6, 38 C; Lawson & Veech 1979), written out
again in molar units.
"""

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from biophys.kernels import speciation as sp

# Beard & Qian (2008) Table 5.6, 38 C, I = 0.25 M; molar. Written here independently.
BQ = {
    "ATP": dict(H=3.6199e-7, Mg=1.4287e-4, MgH=0.039516, K=0.12765),
    "ADP": dict(H=5.0335e-7, Mg=1.0357e-3, MgH=0.084579, K=0.16312),
}
LV = {  # Lawson & Veech (1979), 38 C, I = 0.25 M, no K+ binding
    "ATP": dict(H=1.08e-7, Mg=7.19e-5, MgH=0.0282, K=math.inf),
    "ADP": dict(H=1.20e-7, Mg=7.58e-4, MgH=0.0309, K=math.inf),
}


def reference_species(total_mM, mg_mM, pH, k_mM, c):
    """Free, Mg-bound and the full list of species, mM, computed in molar units."""
    h = 10.0 ** (-pH)
    mg = mg_mM * 1e-3
    k = k_mM * 1e-3
    terms = [1.0, h / c["H"], mg / c["Mg"], h * mg / (c["H"] * c["MgH"]), k / c["K"]]
    p = sum(terms)
    return [total_mM * t / p for t in terms]


CONDITIONS = [
    (mg, atp, adp, pH, k)
    for mg in (0.0, 0.01, 0.25, 0.5, 1.0, 2.0, 20.0)
    for atp, adp in ((5.0, 0.5), (1.0, 1.0), (3.0, 0.0))
    for pH in (6.8, 7.2, 7.6)
    for k in (0.0, 140.0)
]


@pytest.mark.parametrize("mg, atp, adp, pH, k", CONDITIONS)
def test_species_match_independent_calculation(mg, atp, adp, pH, k):
    mgatp, atp4, mgadp, adp3 = sp.mg_speciation(mg, atp, adp, pH, k)
    ra = reference_species(atp, mg, pH, k, BQ["ATP"])
    rd = reference_species(adp, mg, pH, k, BQ["ADP"])
    assert mgatp == pytest.approx(ra[2], rel=1e-13, abs=1e-300)
    assert atp4 == pytest.approx(ra[0], rel=1e-13, abs=1e-300)
    assert mgadp == pytest.approx(rd[2], rel=1e-13, abs=1e-300)
    assert adp3 == pytest.approx(rd[0], rel=1e-13, abs=1e-300)


def test_lawson_veech_set():
    for mg in (0.5, 1.0):
        mgatp, atp4, mgadp, adp3 = sp.mg_speciation_with(mg, 1.0, 1.0, 7.2, 140.0,
                                                         sp.LAWSON_VEECH_1979)
        ra = reference_species(1.0, mg, 7.2, 140.0, LV["ATP"])
        rd = reference_species(1.0, mg, 7.2, 140.0, LV["ADP"])
        assert mgatp == pytest.approx(ra[2], rel=1e-13)
        assert mgadp == pytest.approx(rd[2], rel=1e-13)
    # Lawson-Veech constants bind Mg2+ more tightly than Beard-Qian with K+ competition
    assert sp.mg_speciation_with(0.5, 1, 1, 7.2, 140.0, sp.LAWSON_VEECH_1979)[0] > \
        sp.mg_speciation(0.5, 1, 1, 7.2, 140.0)[0]


@pytest.mark.parametrize("mg", [0.0, 0.1, 1.0, 10.0])
@pytest.mark.parametrize("pH", [6.5, 7.2, 8.0])
def test_fractions_sum_to_one(mg, pH):
    c = sp.BEARD_QIAN_38C
    for total, kk in ((5.0, c[0:4]), (0.7, c[4:8])):
        kmm = [1e3 * x for x in kk]
        species = sp.nucleotide_species(total, mg, 10.0 ** (3.0 - pH), 140.0, *kmm)
        assert sum(species) == pytest.approx(total, rel=4e-16 * 8)
        assert all(s >= 0 for s in species)


def test_limits():
    # no Mg2+ -> no Mg.ATP, no Mg.ADP (exactly)
    mgatp, atp4, mgadp, adp3 = sp.mg_speciation(0.0, 5.0, 0.5, 7.2, 140.0)
    assert mgatp == 0.0 and mgadp == 0.0
    assert atp4 > 0 and adp3 > 0
    # Mg >> Kd -> nearly all Mg-bound
    mgatp, atp4, mgadp, adp3 = sp.mg_speciation(1e4, 5.0, 0.5, 7.2, 140.0)
    assert mgatp / 5.0 > 0.999
    assert mgadp / 0.5 > 0.99
    # fractions rise monotonically with Mg; K+ and H+ compete
    f = [sp.mg_speciation(m, 1.0, 1.0, 7.2, 140.0)[0] for m in np.geomspace(0.01, 50, 40)]
    assert np.all(np.diff(f) > 0)
    assert sp.mg_speciation(0.5, 1, 1, 7.2, 140.0)[0] < sp.mg_speciation(0.5, 1, 1, 7.2, 0.0)[0]
    assert sp.mg_speciation(0.5, 1, 1, 6.0, 140.0)[0] < sp.mg_speciation(0.5, 1, 1, 7.2, 140.0)[0]


def reference_total_mg(mg_free, atp, adp, pH, k):
    """Total Mg2+ (mM) = free + Mg-bound + MgH-bound nucleotides, computed independently."""
    ra = reference_species(atp, mg_free, pH, k, BQ["ATP"])
    rd = reference_species(adp, mg_free, pH, k, BQ["ADP"])
    return mg_free + ra[2] + ra[3] + rd[2] + rd[3]


@pytest.mark.parametrize("atp, adp", [(5.0, 0.5), (1.0, 0.1), (8.0, 2.0), (0.0, 0.0)])
def test_free_mg_round_trip(atp, adp):
    """Free Mg -> total (independent) -> free Mg by the kernel, over 0.01-20 mM."""
    for mg in np.geomspace(0.01, 20.0, 60):
        total = reference_total_mg(mg, atp, adp, 7.2, 140.0)
        assert sp.free_mg(total, atp, adp, 7.2, 140.0) == pytest.approx(mg, rel=1e-12)


@pytest.mark.parametrize("atp, adp", [(5.0, 0.5), (10.0, 1.0)])
def test_free_mg_from_totals_against_brentq(atp, adp):
    """Total Mg 0.01-20 mM -> free Mg, kernel Newton versus scipy brentq on the same balance."""
    for total in np.geomspace(0.01, 20.0, 40):
        ref = brentq(lambda m, t=total: reference_total_mg(m, atp, adp, 7.2, 140.0) - t, 0.0, total,
                     xtol=1e-300, rtol=1e-15)
        got = sp.free_mg(total, atp, adp, 7.2, 140.0)
        assert got == pytest.approx(ref, rel=1e-12)
        assert 0.0 < got <= total


def test_free_mg_with_pi_binds_more():
    c = sp.BEARD_QIAN_38C
    no_pi = sp.free_mg_with(2.0, 5.0, 0.5, 0.0, 7.2, 140.0, c)
    with_pi = sp.free_mg_with(2.0, 5.0, 0.5, 10.0, 7.2, 140.0, c)
    assert with_pi < no_pi
    assert sp.free_mg(0.0, 5.0, 0.5, 7.2, 140.0) == 0.0


def test_free_mg_warm_start():
    c = sp.BEARD_QIAN_38C
    for total in (0.05, 1.0, 8.0, 20.0):
        ref = sp.free_mg_with(total, 5.0, 0.5, 1.0, 7.2, 140.0, c)
        for guess in (0.0, 0.5 * ref, ref, 2.0 * ref, total, 1e3):
            got = sp.free_mg_from(total, 5.0, 0.5, 1.0, 7.2, 140.0, c, guess)
            assert got == pytest.approx(ref, rel=1e-13)
