"""`embedlab demo`: the offline demo (`embedlab.experiments.demo`)."""

from __future__ import annotations

from typing import Annotated

import typer

from embedlab.cli.options import (
    setup_logging,
)


def demo(
    model: Annotated[str, typer.Option(help="Model to compare the modes with.")] = "cnn",
    epochs: Annotated[int, typer.Option(min=1)] = 8,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Offline in about a minute: rand vs static vs nonstatic embeddings on bundled reviews."""
    from embedlab.experiments.demo import print_table, run_demo

    setup_logging()
    rows = run_demo(model=model, epochs=epochs, seed=seed)
    print_table(rows)
