"""Putting a trained classifier to work, and training it on many devices.

- `embedlab.deploy.batch`: `predict_file`, a file of any size in constant memory;
- `embedlab.deploy.cluster`: the same on a Dask cluster (``dask`` extra);
- `embedlab.deploy.serve`: the HTTP service (``serve`` extra);
- `embedlab.deploy.export`: ONNX and SavedModel export;
- `embedlab.deploy.distribute`: data-parallel training over local devices.

Importing this package imports no optional dependency; `predict_file_dask`
is loaded on first use (it needs Dask).
"""

from typing import Any

from embedlab.deploy.batch import PredictFileResult, predict_file
from embedlab.deploy.distribute import fit_data_parallel, local_devices
from embedlab.deploy.export import export_classifier

__all__ = [
    "PredictFileResult",
    "export_classifier",
    "fit_data_parallel",
    "local_devices",
    "predict_file",
    "predict_file_dask",
]


def __getattr__(name: str) -> Any:
    if name == "predict_file_dask":
        from embedlab.deploy.cluster import predict_file_dask

        return predict_file_dask
    raise AttributeError(f"module 'embedlab.deploy' has no attribute {name!r}")
