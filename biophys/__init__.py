"""biophys: fast, exact membrane electrophysiology of hormone-secreting cells.

The Numba core lives in :mod:`biophys.kernels`; this package is the API around it.
"""

from ._cache import raise_inline_threshold as _raise_inline_threshold
from ._cache import scoped_numba_cache as _scoped

_raise_inline_threshold()  # before any kernel compiles (see biophys._cache.INLINE_THRESHOLD)
with _scoped():
    from . import kernels as kernels  # noqa: E402  (decorate every kernel in our cache dir)

from . import conservation as conservation  # noqa: E402
from . import continuation as continuation  # noqa: E402
from . import physiology as physiology  # noqa: E402
from . import plot as plot  # noqa: E402
from . import reference as reference  # noqa: E402
from . import zg as zg  # noqa: E402
from ._charge import ChargeBalance as ChargeBalance  # noqa: E402
from ._charge import ChargeCarrier as ChargeCarrier  # noqa: E402
from ._model import Model as Model  # noqa: E402
from ._model import Output as Output  # noqa: E402
from ._model import Quantity as Quantity  # noqa: E402
from ._reservoir import Reservoir as Reservoir  # noqa: E402
from ._version import __version__ as __version__  # noqa: E402
from .continuation import hysteresis as hysteresis  # noqa: E402
from .models import get_model as get_model  # noqa: E402
from .models import get_model as model  # noqa: E402, F401
from .models import list_models as list_models  # noqa: E402
from .sensitivity import sensitivity as sensitivity  # noqa: E402
from .settle import settled_state as settled_state  # noqa: E402
from .simulate import simulate as simulate  # noqa: E402
from .solution import Cytosol as Cytosol  # noqa: E402
from .solution import Solution as Solution  # noqa: E402
from .stimulus import Pulse as Pulse  # noqa: E402
from .stimulus import Steps as Steps  # noqa: E402
from .stimulus import VoltageClamp as VoltageClamp  # noqa: E402
from .sweep import flag_text as flag_text  # noqa: E402
from .sweep import open_sweep as open_sweep  # noqa: E402
from .sweep import status_text as status_text  # noqa: E402
from .sweep import sweep as sweep  # noqa: E402
