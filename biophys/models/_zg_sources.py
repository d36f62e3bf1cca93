"""Citations and provenance strings of ``zg_cell``'s parameters.

Kept apart from :mod:`biophys.models.zg_cell` (the declaration) so that module stays short; the
strings are the ``source`` fields of its parameters and name the paper, table or figure, or the
test that checks a value fitted here.
"""

_VITKO = ("Vitko I et al. (2005) J Neurosci 25:4844: human CaV3.2 in HEK-293 (5 mM Ca2+, "
          "23-25 C); fitted m^2h functions as in the public NEURON mechanism 'it2' (A. Destexhe;"
          " file read: icgenealogy/icg-channels-Ca, 53965_IT2.mod), whose temperature factors "
          "5^((T-24)/10) (m) and 3^((T-24)/10) (h) are taken 'as in Coulter et al., J Physiol "
          "414:587, 1989' (cited by it2; not read here). Departure: it2 divides only the "
          "voltage-dependent part of tau_h by its factor (tau_h = 13.7 + (...)/phi_h, the 13.7 "
          "ms floor unscaled); here the whole tau_h is divided, as a Q10 scales every rate "
          "(at 37 C with dV_T_inact = +13 mV: 15.2 ms at -50 mV, it2's form 25.6 ms; 3.7 ms at "
          "-30 mV, it2's 14.2 ms; tests/test_zg_provenance_review55.py::"
          "test_cav32_tau_h_scales_whole_expression); the IUPHAR/"
          "GtoPdb CaV3.2 entry lists for this data set V0.5 act -59.9..-51.8 (median -55.9) mV, "
          "V0.5 inact -86.5..-81.7 (median -84.8) mV, tau 1.6-8.4 / 12.9-32.6 ms")
_WOLF = ("Wolf JA et al. (2005) J Neurosci 25:9080, ModelDB 112834 caL13.mod (kinetics "
         "recorded at 22 C; its 'qfact = 3' is a fixed factor for 35 C)")
#: The CaV1.3 temperature scaling (a constant of the kernel, not a parameter).
_CAV13_Q10 = ("temperature: rates scaled by 3^((T - 22)/10), Q10 3 from 22 C, chosen here; "
              "caL13.mod's 'qfact = 3 : both m & h recorded at 22 C' is a fixed x3 for Wolf "
              "et al.'s 35 C model temperature (as derived '_ms' mechanisms, e.g. car_ms.mod, "
              "write it: 'q = 1 : room temperature 22 C / q = 3 : body temperature 35 C'), "
              "i.e. Q10 3^(10/13) = 2.33; with Q10 3 the CaV1.3 time constants at 37 C are "
              "1.46x faster than that reading extrapolated to 37 C (1.73x faster than the "
              "file's x3 itself); Q10 3^(10/13) was tried (review 55) and breaks "
              "tests/test_zg_cell.py::test_task_knockout_bursts (8 bursts in 30 s, period "
              "3.3 s, against >= 10; calibrated 2.53 s), so the calibration keeps Q10 3")
_XU = "Xu W, Lipscombe D (2001) J Neurosci 21:5944 (Fig. 1D), as fitted in " + _WOLF
_BELL = "Bell DC et al. (2001) J Neurophysiol 85:816 (Fig. 2, p. 819), as used in " + _WOLF
_LR = "Luo CH, Rudy Y (1991) Circ Res 68:1501 (I_K1: rectification, sqrt(K_o/5.4) scaling)"
_CHA = "Cha CY et al. (2011) J Gen Physiol 138:21, bcellcha.mod (chonlei/bHub_sim)"
_AT1_PAPER = ("'Angiotensin II receptors and aldosterone production in rat adrenal "
               "glomerulosa cells', Endocrinology 1978, given as Douglas J, Aguilera G, Kondo "
               "T, Catt KJ, Endocrinology 102:685 [authors, volume and pages not verified here: "
               "the abstract read, scilit.com/publications/061539181173cdc4a872b92976ecf04c, "
               "names none]")
_AT1 = ("rat glomerulosa Ang II receptors, " + _AT1_PAPER + ": K_a = 2.0 +- 0.4 e9 /M in "
        "particulate fractions, i.e. K_D = 500 pM (1.8 +- 0.3 e9 /M, K_D = 560 pM, in intact "
        "glomerulosa cells); total [125I]Ang II binding, measured before the AT1/AT2 receptor "
        "distinction, taken here as AT1")
_ANGII_PLASMA = ("protocol input; for scale: normal blood Ang II of rats 50 pM (5e-11 M, as "
                 "quoted by " + _AT1_PAPER + ")")
_NATIVE_T = ("native adrenocortical T current (whole-cell, bovine zona fasciculata cells; J Gen "
             "Physiol 102:217 (1993), abstract at rupress.org/jgp/article/102/2/217; bath not "
             "in the abstract): inactivation V1/2 -49.9 mV, slope 3.73 mV, i.e. far less "
             "negative than the HEK-293 fit (-85.5 mV)")
_PENTON = ("Penton D et al. (2012) 'Task3 potassium channel gene invalidation causes low "
           "renin and salt-sensitive arterial hypertension', Endocrinology 153:4740 (PubMed "
           "22878402, abstract): primary adrenocortical cells of Task3-/- mice -52 mV against "
           "-79 mV in the wild type")
_KIR = ("chosen small here: rodent ZG cells are TASK-dominated (TASK1/TASK3 and TREK1 give the "
        "background K+ conductance: Bandulik S et al. (2015) 'Two-pore domain potassium channels "
        "in the adrenal cortex', Pflugers Arch 467:1027, PMC4428839), and no rodent ZG Kir "
        "current has been recorded; inward-rectifier currents, including a time-dependent, "
        "Ang II- and ACTH-inhibited GIRK current (most likely Kir3.4), were recorded in human "
        "ZG cells, the first whole-cell report in any species (PMC8321792, abstract). I_Kir is "
        "not inhibited by Ang II here, although that human GIRK current is. No test constrains "
        "the value")
_RAT_CA = ("rat ZG cells (single-cell fura-2): basal [Ca2+]i 232 +- 15 nM (mean +- SEM), "
           "285 +- 37 nM at 5 mM and 680 +- 60 nM at 10 mM K+ (abstract at ouci.dntb.gov.ua/"
           "en/works/9jadaKjl; authors, journal and the basal bath K+ not given there)")
_DINH = ("Dinh HA et al. 'T- and L-type calcium channels maintain calcium oscillations in the "
         "murine zona glomerulosa' (edoc.mdc-berlin.de/24218; bioRxiv 10.1101/2023.06.09.544326;"
         " abstract): Cacna1h-/- glomerulosa cells still oscillate, through L-type channels; no "
         "Ca2+ channel or transporter is up-regulated; L-type channels partly compensate acute "
         "CaV3.2 inhibition; only T + L block abolishes the Ang II Ca2+ rise")
_BA_BATH = ("the CaV1.3 gating data were recorded in 15-20 mM Ba2+ (Koschak A et al. 2001 J Biol "
            "Chem 276:22100; Bell DC et al. 2001 J Neurophysiol 85:816: 20 mM Ba2+) [the bath "
            "of the Xu & Lipscombe fit not verified here]; the shared Grahame screening model "
            "(kernels.surface.gating_shift, default sigma) puts 15-20 mM divalent +12 to +16 mV "
            "above the physiological 2 mM Ca2+/1 mM Mg2+ bath")
_OUABAIN = ("Antonipillai I, Schick K, Horton R (1996) J Clin Endocrinol Metab 81:2335 "
            "(abstract, PubMed 8964873): ouabain lowers Ang II-stimulated aldosterone output "
            "of rat and human ZG cells, and basal output of human cells, but does not alter "
            "the response of human cells to 8.7 mM K+")
_HAJ = ("Hajnoczky G et al. (1992) Endocrinology 130:1637, 'Angiotensin-II inhibits Na+/K+ "
        "pump in rat adrenal glomerulosa cells: possible contribution to stimulation of "
        "aldosterone production' [unverified: neither the paper nor its abstract could be "
        "retrieved here, so the size and dose-response of the inhibition are not checked]; "
        "Ang II also inhibits other K+-permeable transporters/channels of ZG cells besides TASK "
        "(human ZG: TREK-1 and Kir3.4, PMC8321792, abstract), i.e. TASK is not its only "
        "depolarising target. Against it: " + _OUABAIN + ", so inhibiting the pump opposes "
        "rather than mimics Ang II there (tests/test_zg_cell_pump_block.py)")
_KV = ("Z. Mainen's delayed rectifier kv.mod (Mainen ZF, Sejnowski TJ 1996 Nature 382:363; "
       "ModelDB 2488; file read: RyokoTokuda/mainen-sejnowski-1996_neuron-py3, kv.mod): rates "
       "a = Ra (V - tha)/(1 - exp(-(V - tha)/qa)), b = -Rb (V - tha)/(1 - exp((V - tha)/qa)), "
       "tha = 25 mV, qa = 9 mV, Ra = 0.02, Rb = 0.002 /(ms mV), reference temperature 23 C "
       "('original temp') and Q10 2.3 (rates 'based roughly on Sah et al. and Hamill et al. "
       "(1991)', central neurons; their recording temperatures not checked here), i.e. n_inf "
       "V1/2 +4.28 mV, slope 9 mV, tau 5.05 ms at 25 mV and 23 C; the file's extra Q10 factor "
       "on the conductance is not used (the density is fitted here at 37 C). Not adrenal data: "
       "no zona glomerulosa Kv gating could be retrieved (human ZG and ZF cells express the "
       "A-type Kv1.4: PMC8321792 and Enyeart & Enyeart 2013 J Gen Physiol 142:137, abstracts "
       "only)")
_NCX_WHY = ("its Na+-dependent inactivation keeps it nearly off below 0.3 uM Ca2+, so it "
            "bounds Ca2+ where the CaV3.2 window current exceeds the PMCA's capacity "
            "(tests/test_zg_cell_range.py) and hardly acts inside the calibrated range")
_TEST = "tests/test_zg_cell_tonic.py::"
_FIT = "fitted here, see " + _TEST
_KO_TEST = "tests/test_zg_cell_tonic_knockouts.py::"
_FIT_KO = "fitted here, see " + _KO_TEST
_TEXTBOOK = ("chosen here: a typical mammalian cytosolic value (not measured in zona "
             "glomerulosa cells); enters only the Na+/K+-ATPase")
_ICF = ("chosen here: a typical mammalian cytosolic value (not measured in zona glomerulosa "
        "cells); the calibration of P_TASK and P_Na_b to -85 mV assumes it")
_BATH = "chosen here: a common physiological bath value, equal to the reference bath "
_YINGST = ("Yingst DR, Davis J, Schiebinger R (2001) Am J Physiol Cell Physiol 280:C119, "
           "abstract (PubMed 11121383): ouabain-sensitive 86Rb uptake of rat glomerulosa cells "
           "(20 mM Na_i); K_o 4 -> 10 mM stimulates the pump about 30% without Ca_o (direct "
           "binding) and up to 165% with 1.8 mM Ca_o; with an ionophore, raising Ca2+ to the "
           "level of 10 mM K_o stimulates it 100% (Ca2+/calmodulin/CaMKII)")
_PUMP_TEST = "tests/test_zg_cell_pump_block.py::"
_YINGST_FIT = ("fitted here (for the tonic calibration; the default keeps it) to the direct part "
               "of " + _YINGST + ", see " + _PUMP_TEST
               + "test_direct_k_o_activation_of_the_pump (K_o 4 -> 10 mM at 20 mM Na_i without "
               "Ca2+ entry, tonic calibration: Cha et al.'s constants give x2.68, 0.35 gives "
               "x1.34; 0.4 gives x1.39 with I_NaK_max rescaled to keep the resting pump "
               "current, x1.42 without; the default gives x1.31)")
_YINGST_CA = ("fitted here (for the tonic calibration; the default keeps it) to " + _YINGST
              + ", see " + _PUMP_TEST + "test_ca_dependent_pump_stimulation: in the tonic "
              "calibration 1.2 gives x2.48 from 4 to 10 mM K_o with 1.8 mM Ca_o (published: up "
              "to x2.65) and x1.81 at the 10 mM cell's 0.43 uM Ca2+ (published: x2.0), 1.4 "
              "makes the 10 mM cell oscillate with less Ca2+ (0.17 uM, x1.35); in the default, "
              "x2.22 and x1.79 at its firing 10 mM cell's 0.17 uM")
_YINGST_K = ("chosen here [no ZG value found]: the resting cell (76 nM Ca2+) is "
             "stimulated by 7%, the 10 mM K_o cell of Yingst's conditions (0.43 uM) by 81%, "
             "as " + _YINGST + " implies (no stimulation without a Ca2+ rise); see "
             + _PUMP_TEST + "test_ca_dependent_pump_stimulation")
