"""One source of truth for options: `TrainOptions` against `TextClassifier`, `fit` and the CLI.

Also the error contract's wording: library messages name arguments in
backticks, never CLI flags, and the CLI rewrites them into its own flags.
"""

import ast
import dataclasses
import inspect
import re
from pathlib import Path

import pytest

from embedlab.classify.classifier import TextClassifier
from embedlab.cli import app, as_flags, command_flags
from embedlab.cli.options import train_options
from embedlab.pipeline import DataOptions, TrainOptions, classifier_arguments

SRC = Path(__file__).resolve().parents[1] / "src" / "embedlab"

# TextClassifier arguments deliberately not options of `train` (name -> why). None today.
NOT_OPTIONS: dict[str, str] = {}
# `fit` arguments that are not options: the data, and Keras' progress display.
NOT_FIT_OPTIONS = {"texts", "labels", "validation_data", "verbose"}
# TrainOptions fields that neither the constructor nor `fit` take, with why.
HOW_TO_FIT = {"data_parallel": "chooses `deploy.distribute.fit_data_parallel` over `fit`"}
# TrainOptions fields a command does not offer as an option, with why.
NOT_ON_CLI = {
    "train": {"multi_label": "decided by the data: list labels (JSONL arrays, --label-separator)"},
    "compare": {
        "model": "per cell: --models",
        "mode": "per cell: --modes",
        "vectors": "per cell: --vectors",
        "multi_label": "decided by the data, as in train",
    },
}
# CLI defaults that stand for the field's default in another form.
CONVERTED = {"class_weight": "a string parsed by parse_class_weight", "threshold": "None"}
# compare's own defaults: a dev split with early stopping.
COMPARE_DEFAULTS = {"validation_split": 0.1, "patience": None, "seed": 0}


def fields(cls) -> dict[str, dataclasses.Field]:
    return {field.name: field for field in dataclasses.fields(cls)}


def cli_parameters(command: str) -> dict[str, inspect.Parameter]:
    function = {c.name or c.callback.__name__: c.callback for c in app.registered_commands}
    return dict(inspect.signature(function[command]).parameters)


def test_every_classifier_argument_is_a_train_option_with_its_default():
    options = fields(TrainOptions)
    for name, parameter in inspect.signature(TextClassifier).parameters.items():
        if name in NOT_OPTIONS:
            continue
        assert name in options, f"TextClassifier({name}=) has no TrainOptions field"
        assert options[name].default == parameter.default, name
    assert set(classifier_arguments()) == set(inspect.signature(TextClassifier).parameters) - set(
        NOT_OPTIONS
    )


def test_every_fit_argument_is_a_train_option_with_its_default():
    options = fields(TrainOptions)
    for name, parameter in inspect.signature(TextClassifier.fit).parameters.items():
        if name == "self" or name in NOT_FIT_OPTIONS:
            continue
        assert name in options, f"TextClassifier.fit({name}=) has no TrainOptions field"
        assert options[name].default == parameter.default, name
    fit = set(inspect.signature(TextClassifier.fit).parameters)
    others = set(options) - set(classifier_arguments()) - fit
    assert others == set(HOW_TO_FIT), "a TrainOptions field that nothing reads"


@pytest.mark.parametrize("command", ["train", "compare"])
def test_every_option_field_is_an_option_of_the_command(command):
    parameters = cli_parameters(command)
    for name, field in {**fields(TrainOptions), **fields(DataOptions)}.items():
        if name in NOT_ON_CLI[command]:
            continue
        assert name in parameters, f"`embedlab {command}` has no option for TrainOptions.{name}"
        default = parameters[name].default
        if command == "compare" and name in COMPARE_DEFAULTS:
            assert default == COMPARE_DEFAULTS[name], name
        elif name in CONVERTED:
            assert default is None, name
        else:
            assert default == field.default, f"`embedlab {command}` --{name} default"


def test_the_readme_and_peer_benchmark_options_reach_the_cli():
    flags = command_flags(["train"])
    for name in ("dropout", "edge_padding", "monitor", "lower", "embedding_scale", "max_norm"):
        assert name in flags and name in command_flags(["compare"])
    for name in ("oov_token", "oov_init", "optimizer", "embedding_dim", "patience"):
        assert name in flags
    assert flags["download_vectors"] == "--download" and flags["edge_padding"] == "--edge-padding"


def parse(command: str, args: list[str]) -> TrainOptions:
    """The TrainOptions a command line gives, parsed by the real CLI, without running it."""
    import typer

    group = typer.main.get_command(app)
    sub = group.commands[command]  # type: ignore[attr-defined]
    ctx = sub.make_context(command, args)
    params = dict(ctx.params)
    if command == "compare":
        params.pop("vectors")
    return train_options(params)


def test_cli_options_travel_to_the_classifier():
    args = "train.csv --out run --model cnn --dropout 0.3 --edge-padding --no-lower "
    args += "--oov-token <OOV> --oov-init zeros --embedding-scale 0.25 --max-norm 2 "
    args += "--monitor val_accuracy --validation-split 0.2 --patience 3 --class-weight pos=2"
    options = parse("train", args.split())
    assert options == TrainOptions(
        model="cnn",
        dropout=0.3,
        edge_padding=True,
        lower=False,
        oov_token="<OOV>",
        oov_init="zeros",
        embedding_scale=0.25,
        max_norm=2.0,
        monitor="val_accuracy",
        validation_split=0.2,
        patience=3,
        class_weight={"pos": 2.0},
    )
    clf = options.classifier()
    for name in classifier_arguments():
        attribute = "model_name" if name == "model" else name
        assert getattr(clf, attribute) == getattr(options, name), name
    compared = parse("compare", args.replace("--model cnn ", "").split())
    assert compared == dataclasses.replace(options, model=None)  # the grid sets model per cell


def test_backticked_arguments_become_the_commands_flags():
    message = "`patience` needs dev data: pass `validation_split` (e.g. 0.1) or `validation_data`."
    assert as_flags(message, command_flags(["train"])) == (
        "--patience needs dev data: pass --validation-split (e.g. 0.1) or `validation_data`."
    )
    assert as_flags("use only `modes` rand", command_flags(["compare"])) == "use only --modes rand"
    assert as_flags("`threshold`", command_flags(["predict"])) == "--threshold"
    assert as_flags("`threshold`", command_flags(["vectors", "info"])) == "`threshold`"


def message_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string constant of a module but its docstrings: messages, hints, descriptions."""
    documented = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, documented) and node.body and isinstance(node.body[0], ast.Expr)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


def test_library_messages_name_arguments_not_cli_flags():
    flag = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if "cli" in path.relative_to(SRC).parts:
            continue
        for line, text in message_strings(ast.parse(path.read_text(encoding="utf-8"))):
            if flag.search(text):
                offenders.append(f"{path.relative_to(SRC)}:{line}: {text!r}")
    assert offenders == []
