"""Errors raised by embedlab.

Every error a user can cause by giving bad input derives from `EmbedlabError`,
so the CLI can print its message (which names the file, line or field and what
to do) instead of a traceback.
"""

from __future__ import annotations


class EmbedlabError(Exception):
    """Base class of the errors embedlab raises for bad input."""


class DataError(EmbedlabError, ValueError):
    """Labelled data that cannot be read: bad file, line, column or content."""


class VectorFileError(EmbedlabError, ValueError):
    """A word-vector file that cannot be read, or an unknown vector name."""


class ModelConfigError(EmbedlabError, ValueError):
    """An unknown model name, embedding mode or invalid model option."""


class SavedFileError(EmbedlabError, ValueError):
    """A file embedlab wrote (a saved classifier's ``config.json`` or
    ``tokenizer.json``) that is missing, corrupt or of another version."""
