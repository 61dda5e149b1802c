"""`import embedlab` stays light: no Keras, backend, gensim, pandas or plotting."""

import subprocess
import sys

HEAVY = (
    "keras",
    "jax",
    "tensorflow",
    "torch",
    "gensim",
    "pandas",
    "pyarrow",
    "matplotlib",
    "scipy",
)


def test_bare_import_loads_no_heavy_module():
    code = (
        "import sys, embedlab\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_cli_module_loads_no_heavy_module():
    code = (
        "import sys, embedlab.cli\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
