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
    lang: Annotated[
        str,
        typer.Option(
            help="en: rand vs static vs nonstatic (GloVe); ko: whitespace words vs Korean "
            "morphemes (kiwi) on NSMC reviews (needs kiwipiepy)."
        ),
    ] = "en",
) -> None:
    """Offline in about a minute: rand vs static vs nonstatic embeddings on bundled reviews."""
    from embedlab.experiments.demo import print_table, run_demo, run_demo_ko

    setup_logging()
    if lang not in ("en", "ko"):
        raise typer.BadParameter(f"must be en or ko, not {lang!r}", param_hint="--lang")
    if lang == "ko":
        rows = run_demo_ko(model=model, epochs=epochs, seed=seed)
    else:
        rows = run_demo(model=model, epochs=epochs, seed=seed)
    print_table(rows, lang=lang)
