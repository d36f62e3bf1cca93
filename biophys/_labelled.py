"""Build the labelled results (:class:`xarray.Dataset`) without importing ``dask.array``.

When dask is installed, xarray imports ``dask.array`` the first time it converts an argument
into a Variable (``as_compatible_data`` asks whether the argument is a dask array). That import
pulls in ``dask.array.fft`` and with it ``scipy.fft`` and ``scipy.special``, and in a new
process it costs more than the whole rest of the first result. The arrays biophys produces are
plain NumPy arrays, so they are wrapped with ``Variable(..., fastpath=True)``, which skips only
that conversion. The pandas index of each dimension coordinate is built here too: xarray's own
construction of it asks whether the values are a dask collection, which imports ``dask``
(another 0.1 s). A Dataset built here is identical to one built from ``(dims, data, attrs)``
tuples, indexes included (``tests/test_api.py::test_fast_labelled_dataset_is_identical``).
Arithmetic on the result still imports dask when xarray needs it, as usual.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import xarray as xr

#: dtype kinds that xarray stores unchanged (object and datetime arrays need its conversion)
_PLAIN_KINDS = frozenset("biufcUS")


@functools.cache
def _has_fastpath() -> bool:
    """Whether this xarray's Variable takes ``fastpath`` (a constructor argument that its
    documentation does not list); without it every array takes the ordinary conversion."""
    import xarray as xr

    return "fastpath" in inspect.signature(xr.Variable).parameters


def variable(dims: str | tuple[str, ...], data: Any, attrs: Mapping | None = None):
    """An :class:`xarray.Variable` of ``data``; NumPy arrays of plain dtypes skip the
    conversion (and the ``dask.array`` import) that xarray would otherwise make.

    Parameters
    ----------
    dims : str or tuple of str
        Dimension names.
    data : array_like
        Values (any unit; the unit goes in ``attrs``).
    attrs : mapping, optional
        Attributes (``units``, ``long_name``, ...).

    Returns
    -------
    xarray.Variable
    """
    import xarray as xr  # deferred: `import biophys` stays light

    dims = (dims,) if isinstance(dims, str) else tuple(dims)
    attrs = dict(attrs) if attrs else None
    if isinstance(data, np.ndarray) and data.dtype.kind in _PLAIN_KINDS and _has_fastpath():
        return xr.Variable(dims, data, attrs, fastpath=True)
    return xr.Variable(dims, data, attrs)


def dataset(coords: Mapping[str, tuple], data_vars: Mapping[str, tuple] | None = None,
            attrs: Mapping | None = None) -> xr.Dataset:
    """A Dataset from ``name: (dims, data[, attrs])`` entries, built with :func:`variable`.

    Parameters
    ----------
    coords, data_vars : mapping of str to tuple
        Coordinates and data variables as ``(dims, data)`` or ``(dims, data, attrs)``.
    attrs : mapping, optional
        Dataset attributes.

    Returns
    -------
    xarray.Dataset
    """
    import xarray as xr  # deferred: `import biophys` stays light

    return xr.Dataset({k: variable(*v) for k, v in (data_vars or {}).items()},
                      coords=_coordinates({k: variable(*v) for k, v in coords.items()}),
                      attrs=attrs)


def _coordinates(variables: dict) -> xr.Coordinates | dict:
    """Coordinates with the default (pandas) index of each dimension coordinate built here from
    its values, as xarray would build it; building it here skips xarray's check whether the
    values are a dask collection (which imports dask). Variables that are not plain NumPy
    arrays are returned unchanged, for xarray's own indexing."""
    import pandas as pd
    import xarray as xr
    from xarray.indexes import PandasIndex

    dimension = [name for name, var in variables.items() if var.dims == (name,)]
    if not all(isinstance(variables[name].data, np.ndarray)
               and variables[name].dtype.kind in _PLAIN_KINDS for name in dimension):
        return variables
    indexes = {}
    for name in dimension:
        var = variables[name]
        indexes[name] = PandasIndex(pd.Index(var.data), name, coord_dtype=var.dtype)
        variables.update(indexes[name].create_variables({name: var}))
    return xr.Coordinates(variables, indexes)
