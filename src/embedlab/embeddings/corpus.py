"""`Corpus`: tokenised documents streamed from text files or labelled data.

A corpus is read the way vectors are trained on it: one document at a time,
as many passes as the trainer needs. Two kinds of input are accepted:

* ``text`` files: one document a line, read line by line from disk and never
  held whole in memory (the layout of word2vec's ``text8``-style corpora and
  of gensim's ``LineSentence``, https://radimrehurek.com/gensim/models/word2vec.html).
* Anything `embedlab.data.read_dataset` reads (csv, tsv, jsonl, a folder per
  class, ``LABEL=PATH`` line files, label-text): only the texts are used;
  these are read into memory by `read_dataset`, as for training a classifier.

Documents are split into words with embedlab's tokenizer rules
(`embedlab.text.tokenizer.text_to_word_sequence`: lower-cased, the legacy Keras
`filters` removed), so trained vectors cover exactly the words a
`TextClassifier` looks up. With `analyzer` (``kiwi`` for Korean morphemes;
see `embedlab.text.analyzers`) the words are those of a classifier trained
with the same analyzer; documents are then analysed in batches, and those of
labelled data are analysed once and kept for the later passes.
"""

from __future__ import annotations

import codecs
import itertools
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from embedlab.errors import DataError
from embedlab.text.tokenizer import DEFAULT_FILTERS, Tokenizer, text_to_word_sequence

TEXT_FORMAT = "text"
"""The corpus format of plain text files: one document a line."""

_DATA_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson")
_BINARY_CHECK_BYTES = 8192
_ANALYZER_BATCH = 4096

Progress = Callable[[int], None]
"""Called with the units (bytes of a text file, or documents) just read."""


class Corpus:
    """A restartable stream of tokenised documents.

    Iterating a `Corpus` yields one list of words per non-empty document, in
    file order; every iteration reads the files again, so trainers that make
    several passes (gensim, GloVe's vocabulary and counting passes) can use it.

    Args:
        paths: str, path, or sequence of them. Text files (one document a
            line), or DATA for `embedlab.data.read_dataset` (files, folders,
            ``LABEL=PATH`` pairs).
        format: str or None. ``"text"`` for one document a line, or one of
            `embedlab.data.FORMATS`. None reads a folder, a ``LABEL=PATH``
            pair or a file ending in .csv/.tsv/.jsonl/.ndjson with
            `read_dataset` (format guessed), and any other file as ``text``.
        encoding: str. Encoding of the files (MR's files need "latin-1").
        text_column: str or None. Column (csv, tsv) or key (jsonl) of the
            text; guessed if None. Only for labelled data.
        filters: str. Characters removed before splitting (the legacy Keras
            set by default; "" keeps punctuation of pre-tokenised text).
        lower: bool. Lower-case the text first.
        analyzer: str or None. A word analyzer spec (``"kiwi"``,
            ``"kiwi:pos"``); None splits on whitespace. Analyzers that learn
            from the texts (``subword``) are refused: their pieces would not
            match a classifier's.

    Raises:
        DataError: if `format` is unknown, a path does not exist, or
            `text_column` is given for text files.
        AnalyzerError: for an unknown or trained analyzer, or a missing package.

    Example:
        >>> corpus = Corpus("reviews.txt")
        >>> next(iter(corpus))
        ['a', 'gripping', 'beautifully', 'acted', 'film']
    """

    def __init__(
        self,
        paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
        *,
        format: str | None = None,
        encoding: str = "utf-8",
        text_column: str | None = None,
        filters: str = DEFAULT_FILTERS,
        lower: bool = True,
        analyzer: str | None = None,
    ) -> None:
        from embedlab.data import FORMATS
        from embedlab.text.analyzers import AnalyzerError, get_analyzer

        if get_analyzer(analyzer).trained:
            raise AnalyzerError(
                f"Analyzer {analyzer!r} learns its pieces from a classifier's training texts; "
                "vectors can be trained with `whitespace` or `kiwi`. "
                f"Received: analyzer={analyzer!r}"
            )

        items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
        if not items:
            raise DataError("A corpus needs at least one file. Received: no paths")
        known = (TEXT_FORMAT, *FORMATS)
        if format is not None and format not in known:
            raise DataError(
                f"`format` must be one of {', '.join(known)} or None. Received: format={format!r}"
            )
        if not isinstance(filters, str):
            raise TypeError(f"`filters` must be a str. Received: filters={filters!r}")
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise DataError(
                f"Unknown encoding; pass a Python codec name such as utf-8 or latin-1. "
                f"Received: encoding={encoding!r}"
            ) from None
        self._items = [os.fspath(item) for item in items]
        self._text = format == TEXT_FORMAT or (
            format is None and all(_is_text_file(item) for item in self._items)
        )
        if self._text:
            for item in self._items:
                if not Path(item).is_file():
                    raise DataError(f"{item}: no such file; check the path.")
            if text_column is not None:
                raise DataError(
                    "`text_column` applies to csv/tsv/jsonl data, not to text files. "
                    f"Received: text_column={text_column!r}"
                )
        self.format = format
        self.encoding = encoding
        self.text_column = text_column
        self.filters = filters
        self.lower = bool(lower)
        self.analyzer = analyzer
        self._tokenizer = Tokenizer(filters=filters, lower=self.lower, analyzer=analyzer)
        self._texts: list[str] | None = None
        self._documents: list[list[str]] | None = None

    @property
    def paths(self) -> list[str]:
        """The files (and folders or ``LABEL=PATH`` pairs) read, in order."""
        return list(self._items)

    @property
    def is_text(self) -> bool:
        """True if the corpus is text files streamed line by line."""
        return self._text

    def total_units(self) -> int:
        """The progress units of one pass: bytes of the text files, or documents."""
        if self._text:
            return sum(Path(item).stat().st_size for item in self._items)
        return len(self._labelled_texts())

    def tokenize(self, text: str) -> list[str]:
        """The words of one document, by this corpus's rules."""
        if self.analyzer is not None:
            return self._tokenizer.tokenize([text])[0]
        return text_to_word_sequence(text, filters=self.filters, lower=self.lower)

    def texts(self, *, progress: Progress | None = None) -> Iterator[str]:
        """The raw documents, in order (blank lines of text files skipped).

        Args:
            progress: callable or None. Called with the units read so far
                since the last call (bytes for text files, 1 per document).
        """
        if not self._text:
            for text in self._labelled_texts():
                if progress is not None:
                    progress(1)
                yield text
            return
        for item in self._items:
            for text, size in _stream_lines(Path(item), self.encoding):
                if progress is not None:
                    progress(size)
                if text.strip():
                    yield text

    def documents(self, *, progress: Progress | None = None) -> Iterator[list[str]]:
        """The tokenised documents, empty ones skipped; see `texts` for `progress`."""
        if self.analyzer is None:
            for text in self.texts(progress=progress):
                words = self.tokenize(text)
                if words:
                    yield words
            return
        if self._documents is not None:  # labelled data, analysed on the first pass
            for words in self._documents:
                if progress is not None:
                    progress(1)
                yield words
            return
        kept: list[list[str]] | None = None if self._text else []
        texts = self.texts(progress=progress)
        while batch := list(itertools.islice(texts, _ANALYZER_BATCH)):
            for words in self._tokenizer.tokenize(batch):
                if words:
                    if kept is not None:
                        kept.append(words)
                    yield words
        self._documents = kept

    def __iter__(self) -> Iterator[list[str]]:
        return self.documents()

    def __repr__(self) -> str:
        kind = TEXT_FORMAT if self._text else (self.format or "data")
        return f"Corpus({', '.join(self._items)}; {kind})"

    def _labelled_texts(self) -> list[str]:
        if self._texts is None:
            from embedlab.data import read_dataset

            data = read_dataset(
                self._items,
                format=self.format,
                encoding=self.encoding,
                text_column=self.text_column,
                require_labels=False,
            )
            self._texts = data.texts
        return self._texts


def _is_text_file(item: str) -> bool:
    path = Path(item)
    if path.is_dir() or path.suffix.lower() in _DATA_SUFFIXES:
        return False
    if not path.exists() and "=" in item:
        return False  # a LABEL=PATH pair
    return True


def _stream_lines(path: Path, encoding: str) -> Iterator[tuple[str, int]]:
    """Each decoded line of `path` (line ending removed) and its size in bytes.

    Raises:
        DataError: if the file cannot be opened, looks binary, or a line does
            not decode; the message names the file and the 1-based line.
    """
    try:
        file = path.open("rb")
    except OSError as exc:
        raise DataError(
            f"{path}: cannot be read ({exc.strerror or exc}); check the path."
        ) from None
    with file:
        if b"\x00" in file.read(_BINARY_CHECK_BYTES):
            raise DataError(
                f"{path}: looks like a binary file (NUL bytes in its first 8 KB), not text "
                "with one document a line."
            )
        file.seek(0)
        for number, raw in enumerate(file, start=1):
            skip = len(codecs.BOM_UTF8) if number == 1 and raw.startswith(codecs.BOM_UTF8) else 0
            try:
                line = raw[skip:].decode(encoding)
            except UnicodeDecodeError as exc:
                bad = " ".join(f"0x{b:02x}" for b in exc.object[exc.start : exc.end])
                raise DataError(
                    f"{path} line {number}: byte {bad} is not valid {encoding} ({exc.reason}); "
                    "pass the file's `encoding` (latin-1 for MR's files)."
                ) from None
            yield line.rstrip("\r\n"), len(raw)
