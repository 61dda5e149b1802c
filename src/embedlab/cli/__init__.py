"""The `embedlab` command line: the Typer app, its commands, and `main`.

One module per command or group (`train`, `evaluate`, `predict`, `demo`,
`compare`, `export`, `serve`, `embed`, `vectors`), each thin over a typed
library function and light at import; `embedlab.cli.options` holds the
options several commands share, among them one per field of
`embedlab.pipeline.TrainOptions` for `train` and `compare`. `main` turns an `EmbedlabError` (or
an `OSError`: a file that cannot be read or written) into a one-line
``error:`` message and exit code 2, rewriting the backticked argument names
of library messages (`validation_split`) into the flags of the command being
run (--validation-split).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

import typer

from embedlab.errors import EmbedlabError

__all__ = ["app", "as_flags", "command_flags", "main"]

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
    """Entry point: run the app, turning user errors into a message and exit code 2."""
    try:
        app()
    except EmbedlabError as e:
        _fail(str(e))
    except OSError as e:  # a path the user gave that cannot be read or written
        _fail(f"{e.filename}: {e.strerror}." if e.filename and e.strerror else str(e))


def _fail(message: str) -> None:
    typer.echo(f"error: {as_flags(message, command_flags(sys.argv[1:]))}", err=True)
    raise SystemExit(2) from None


def command_flags(argv: Sequence[str]) -> dict[str, str]:
    """Argument name -> flag, for the options of the command that `argv` runs.

    Both the Python parameter name and the flag's own name map to the flag
    (`download_vectors` and `download` -> --download).
    """
    command: Any = typer.main.get_command(app)
    for arg in argv:  # typer may vendor its own click: duck-type the groups
        subcommands = getattr(command, "commands", None)
        if not isinstance(subcommands, dict) or arg not in subcommands:
            break
        command = subcommands[arg]
    flags: dict[str, str] = {}
    for param in command.params:
        longs = [o for o in param.opts if o.startswith("--")]
        if param.param_type_name == "option" and param.name and longs:
            flag = max(longs, key=len)
            flags[param.name] = flag
            flags.setdefault(flag[2:].replace("-", "_"), flag)
    return flags


def as_flags(message: str, flags: dict[str, str]) -> str:
    """`message` with each backticked argument name in `flags` written as its flag."""
    return re.sub(r"`([A-Za-z_][A-Za-z0-9_]*)`", lambda m: flags.get(m[1], m[0]), message)
