"""The `embedlab` command line: the Typer app, its commands, and `main`.

One module per command or group (`train`, `evaluate`, `predict`, `demo`,
`compare`, `export`, `serve`, `embed`, `vectors`), each thin over a typed
library function and light at import; `main` turns an `EmbedlabError` into a
one-line ``error:`` message and exit code 2.
"""

from __future__ import annotations

import typer

from embedlab.errors import EmbedlabError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    help="Text classification with word embeddings on Keras 3.",
)
vectors_app = typer.Typer(
    no_args_is_help=True, help="Inspect word vectors: info, neighbors, analogy."
)
app.add_typer(vectors_app, name="vectors")


from embedlab.cli.compare import compare  # noqa: E402
from embedlab.cli.demo import demo  # noqa: E402
from embedlab.cli.embed import embed_app, vectors_evaluate  # noqa: E402
from embedlab.cli.evaluate import evaluate  # noqa: E402
from embedlab.cli.export import export  # noqa: E402
from embedlab.cli.inspect import inspect  # noqa: E402
from embedlab.cli.plot import vectors_plot  # noqa: E402
from embedlab.cli.predict import predict  # noqa: E402
from embedlab.cli.serve import serve  # noqa: E402
from embedlab.cli.train import train  # noqa: E402
from embedlab.cli.vectors import (  # noqa: E402
    vectors_analogy,
    vectors_convert,
    vectors_download,
    vectors_info,
    vectors_list,
    vectors_neighbors,
)

for _command in (train, evaluate, predict, demo, compare, export, serve):
    app.command()(_command)
app.command()(inspect)
app.add_typer(embed_app, name="embed")
vectors_app.command("info")(vectors_info)
vectors_app.command("neighbors")(vectors_neighbors)
vectors_app.command("analogy")(vectors_analogy)
vectors_app.command("evaluate")(vectors_evaluate)
vectors_app.command("download")(vectors_download)
vectors_app.command("convert")(vectors_convert)
vectors_app.command("list")(vectors_list)
vectors_app.command("plot")(vectors_plot)


def main() -> None:
    """Entry point: run the app, turning embedlab errors into a message and exit code 2."""
    try:
        app()
    except EmbedlabError as e:
        typer.echo(f"error: {e}", err=True)
        raise SystemExit(2) from None
