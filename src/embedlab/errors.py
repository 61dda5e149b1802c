"""Errors raised by embedlab.

Every error a user can cause by giving bad input derives from `EmbedlabError`,
so the CLI can print its message (which names the file, line or field and what
to do) instead of a traceback. The subclasses that concern values are also
`ValueError`s: `DataError` (labelled data), `VectorFileError` (vector files),
`SavedFileError` (a saved classifier's files), `OptionError` (an argument's
value) and its `ModelConfigError` (model and training options). Messages name
Python arguments in backticks (`threshold`); the CLI writes them as its flags.
A wrong Python type (a str where a list of texts is due) stays a plain
`TypeError`: it is a mistake in the calling code, which no command line input
can make.
"""

from __future__ import annotations


class EmbedlabError(Exception):
    """Base class of the errors embedlab raises for bad input."""


class DataError(EmbedlabError, ValueError):
    """Labelled data that cannot be read: bad file, line, column or content."""


class VectorFileError(EmbedlabError, ValueError):
    """A word-vector file that cannot be read, or an unknown vector name."""


class OptionError(EmbedlabError, ValueError):
    """An argument whose value cannot be used: out of range, not one of the
    choices, contradicting another, or an output that exists already."""


class ModelConfigError(OptionError):
    """An unknown model name, embedding mode or invalid model or training option."""


class SavedFileError(EmbedlabError, ValueError):
    """A file embedlab wrote (a saved classifier's ``config.json`` or
    ``tokenizer.json``) that is missing, corrupt or of another version."""
