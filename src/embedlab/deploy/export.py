"""Export a saved classifier's Keras model for serving without embedlab: ONNX or SavedModel.

Keras 3's ``model.export`` does the work. What each format needs (Keras 3.15):

============  =========================================  ==========================
format        JAX backend (embedlab's default)           TensorFlow backend
============  =========================================  ==========================
``onnx``      ``jax2onnx`` (direct JAX -> ONNX, no TF)   ``tf2onnx``
``savedmodel``  ``tensorflow`` (via ``jax2tf``)          built in
============  =========================================  ==========================

On the Torch backend ``onnx`` uses ``torch.onnx``; ``savedmodel`` is refused.
Install the ONNX path with ``pip install 'embedlab[export]'`` and the
SavedModel path with ``pip install 'embedlab[tensorflow]'``.

Text preprocessing stays outside the exported graph. The exported model takes
a padded ``int32`` id matrix ``(batch, sequence_length)`` (the input named
``ids``) made by the bundled ``tokenizer.json`` with ``padding="post"`` and
``truncating="post"`` (`embedlab.Tokenizer` and `embedlab.pad_sequences`),
and returns probabilities: one column (the probability of the second label)
for two labels, one column per label otherwise. The export directory::

    OUT/model.onnx or OUT/saved_model/   the model
    OUT/tokenizer.json                   the fitted tokenizer
    OUT/export.json                      labels, sequence_length, padding, input and output
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from embedlab._keras import import_keras
from embedlab.atomic import atomic_directory
from embedlab.classify import saving
from embedlab.errors import EmbedlabError
from embedlab.ownership import check_output

EXPORT_FORMATS: tuple[str, ...] = ("onnx", "savedmodel")
ONNX_FILE = "model.onnx"
SAVEDMODEL_DIR = "saved_model"
EXPORT_CONFIG_FILE = "export.json"

# (format, backend) -> the Python package Keras' exporter needs, and the pip extra.
_NEEDS: dict[tuple[str, str], tuple[str, str]] = {
    ("onnx", "jax"): ("jax2onnx", "pip install 'embedlab[export]'"),
    ("onnx", "tensorflow"): ("tf2onnx", "pip install tf2onnx"),
    ("onnx", "torch"): ("onnxscript", "pip install onnxscript"),
    ("savedmodel", "jax"): ("tensorflow", "pip install 'embedlab[tensorflow]'"),
    ("savedmodel", "tensorflow"): ("tensorflow", "pip install 'embedlab[tensorflow]'"),
}


def check_export_support(format: str, backend: str) -> None:
    """Raise a clear `EmbedlabError` if `format` cannot be exported on `backend` here.

    Raises:
        EmbedlabError: naming the format, the backend, and the package or
            backend that does support it.
    """
    if format not in EXPORT_FORMATS:
        raise EmbedlabError(
            f"Unknown export format {format!r}; use one of: {', '.join(EXPORT_FORMATS)}."
        )
    need = _NEEDS.get((format, backend))
    if need is None:
        supported = sorted(b for f, b in _NEEDS if f == format)
        raise EmbedlabError(
            f"Export to {format} is not supported on the Keras {backend!r} backend; it is on "
            f"{' and '.join(supported)}. Set KERAS_BACKEND={supported[0]} and run again."
        )
    package, install = need
    if importlib.util.find_spec(package) is None:
        raise EmbedlabError(
            f"Export to {format} on the Keras {backend!r} backend needs the {package!r} "
            f"package, which is not installed: {install}."
        )


def export_classifier(
    directory: str | os.PathLike[str],
    *,
    format: str,
    out: str | os.PathLike[str],
    overwrite: bool = False,
) -> Path:
    """Export the model of a saved classifier, with its tokenizer, to `out`.

    Args:
        directory: str or path. A directory written by `embedlab train`.
        format: str. ``onnx`` or ``savedmodel``.
        out: str or path. The export directory (written atomically).
        overwrite: bool. Replace `out` if it exists.

    Returns:
        The export directory.

    Raises:
        EmbedlabError: if the format is unknown or cannot be exported with
            this backend and these packages (the message says what can), or if
            `out` exists and `overwrite` is False.

    Example:
        >>> export_classifier("runs/cnn", format="onnx", out="runs/cnn-onnx")
    """
    check_output(out, kind="export", inputs=[directory], overwrite=overwrite)
    saved = saving.read_config(directory)
    keras = import_keras()
    backend = keras.backend.backend()
    check_export_support(format, backend)
    model = saved.load_keras_model()
    inputs = [
        keras.InputSpec(shape=tuple(tensor.shape), dtype=tensor.dtype, name=_input_name(tensor))
        for tensor in model.inputs
    ]
    with atomic_directory(out, overwrite=overwrite) as tmp:
        try:
            if format == "onnx":
                model.export(tmp / ONNX_FILE, format="onnx", verbose=False, input_signature=inputs)
            else:
                model.export(
                    tmp / SAVEDMODEL_DIR,
                    format="tf_saved_model",
                    verbose=False,
                    input_signature=inputs,
                )
        except Exception as e:  # the exporters' errors differ by backend and package
            raise _export_error(saved, format, backend, e) from e
        saved.copy_tokenizer(tmp)
        saving.write_json(tmp / EXPORT_CONFIG_FILE, _export_config(saved, model, format, backend))
    return Path(out)


def _export_error(
    saved: saving.SavedClassifier, format: str, backend: str, error: Exception
) -> EmbedlabError:
    """A clear error for an exporter's failure, naming the models known not to export."""
    from embedlab.models.registry import ngram_models

    names = [saved.model["model"]]
    if saved.ensemble is not None:
        names = [member["model"] for member in saved.ensemble["members"]]
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    hashed = sorted(set(names) & set(ngram_models()))
    hint = (
        f" Models with hashed n-gram layers ({', '.join(ngram_models())}; here: "
        f"{', '.join(hashed)}) do not export with a variable batch size on this backend;"
        " serve or predict from the saved directory instead (`embedlab.deploy`)."
        if hashed
        else ""
    )
    return EmbedlabError(
        f"{saved.directory}: Keras could not export its {saved.model['model']!r} model to "
        f"{format} on the {backend!r} backend ({type(error).__name__}: {first_line}).{hint}"
    )


def _input_name(tensor: Any) -> str:
    """A Keras input's name (``ids`` for embedlab's models), without a graph suffix."""
    return str(tensor.name).split(":")[0]


def _export_config(
    saved: saving.SavedClassifier, model: Any, format: str, backend: str
) -> dict[str, Any]:
    labels = saved.labels
    inputs = [
        {
            "name": _input_name(tensor),
            "dtype": str(tensor.dtype),
            "shape": list(tensor.shape),
            "tokenizer": saving.TOKENIZER_FILE,
            "padding": "post",
            "truncating": "post",
        }
        for tensor in model.inputs
    ]
    config: dict[str, Any] = {
        "format": format,
        "model": ONNX_FILE if format == "onnx" else SAVEDMODEL_DIR,
        "exported_from": {
            "keras_backend": backend,
            "model": saved.model["model"],
            **(
                {"members": [m["model"] for m in saved.ensemble["members"]]}
                if saved.ensemble is not None
                else {}
            ),
        },
        "labels": labels,
        "output": (
            f"probability of {labels[1]!r} (1 column; {labels[0]!r} is 1 - p)"
            if len(labels) == 2
            else "probability of each label, columns in `labels` order"
        ),
    }
    if len(inputs) == 1:
        config["input"] = inputs[0]
    else:
        config["inputs"] = inputs
    return config
