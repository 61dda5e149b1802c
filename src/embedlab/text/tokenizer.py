"""Text to word ids: the legacy Keras `Tokenizer` and `pad_sequences`, made safe.

`Tokenizer` behaves exactly like ``keras.src.legacy.preprocessing.text.Tokenizer``
(same splitting, same `word_index` with ties broken in first-seen order, same
`num_words` and `oov_token` rules) and `pad_sequences` like
``keras.utils.pad_sequences``, so models trained with the Keras recipes see the
same ids. What is added is the answer to the classic pitfalls (keras issues
#8092, #9574, #8006: an `Embedding` one row short, ids at or above `num_words`,
an OOV id outside the embedding): `Tokenizer.vocab_size` is the number of
embedding rows, and every id the tokenizer emits is below it.

Deliberate differences from the legacy class:

- Input is checked: a single string instead of a list of texts, a non-string
  item, or use before `fit_on_texts` raise an error instead of silently
  tokenizing characters or returning empty sequences.
- If `oov_token` is also a word of the texts, it keeps id 1 and is not given a
  second id (the legacy class gives it a later id and leaves id 1 unused,
  so ``len(word_index) + 1`` embedding rows are one too few).
- It saves to a versioned JSON format and never imports Keras.
- Word analysis is pluggable (`analyzer`, see `embedlab.text.analyzers`):
  ``whitespace`` is the legacy splitting; ``kiwi`` (Korean morphemes) and
  ``subword`` replace the split on `split`, after lowering and `filters`. The
  analyzer is saved in the JSON, so a loaded tokenizer analyses as it did;
  a file without it (written before analyzers existed) loads as ``whitespace``.

This module is pure Python and NumPy, so it imports fast.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from embedlab.atomic import atomic_open
from embedlab.errors import SavedFileError
from embedlab.text.analyzers import Analyzer, analyzer_from_config, get_analyzer

__all__ = [
    "DEFAULT_FILTERS",
    "JSON_FORMAT",
    "JSON_VERSION",
    "Tokenizer",
    "pad_sequences",
    "text_to_word_sequence",
]

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
"""Characters removed from texts by default (the legacy Keras set)."""

JSON_FORMAT = "embedlab.tokenizer"
"""The ``"format"`` field of a saved tokenizer."""

JSON_VERSION = 1
"""The ``"version"`` field of the tokenizer JSON this module writes and reads."""

_CONFIG_KEYS = ("num_words", "filters", "lower", "split", "char_level", "oov_token")
_ANALYZER_KEY = "analyzer"  # in "config" only when not whitespace (older files lack it)
_BATCH = 4096  # texts handed to a non-whitespace analyzer at once
_PADDING_MODES = ("pre", "post")


@functools.lru_cache(maxsize=32)
def _translate_table(filters: str, split: str) -> dict[int, str]:
    return str.maketrans(dict.fromkeys(filters, split))


def _split_words(text: str, filters: str, lower: bool, split: str) -> list[str]:
    # Same steps as the legacy `text_to_word_sequence`; arguments already checked.
    if lower:
        text = text.lower()
    text = text.translate(_translate_table(filters, split))
    return [word for word in text.split(split) if word]


def _check_filters_and_split(filters: Any, split: Any) -> None:
    if not isinstance(filters, str):
        raise TypeError(
            f"`filters` must be a str of characters to remove. Received: filters={filters!r}"
        )
    if not isinstance(split, str) or not split:
        raise ValueError(f"`split` must be a non-empty str. Received: split={split!r}")


def text_to_word_sequence(
    text: str,
    *,
    filters: str = DEFAULT_FILTERS,
    lower: bool = True,
    split: str = " ",
) -> list[str]:
    """Split a text into words, as the legacy Keras function does.

    Each character of `filters` is replaced by `split`, the text is split on
    `split`, and empty pieces are dropped.

    Args:
        text: str. The text to split.
        filters: str. Characters to remove (each becomes a separator).
        lower: bool. Whether to lowercase the text first.
        split: str. The word separator; must not be empty.

    Returns:
        The words, in order.

    Raises:
        TypeError: If `text` or `filters` is not a str.
        ValueError: If `split` is empty.

    Example:
        >>> text_to_word_sequence("Hello, World! Hello.")
        ['hello', 'world', 'hello']
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a str. Received: {type(text).__name__} {text!r:.60}")
    _check_filters_and_split(filters, split)
    return _split_words(text, filters, bool(lower), split)


def _check_texts_container(texts: Any, method: str) -> Iterator[Any]:
    if isinstance(texts, (str, bytes)):
        raise TypeError(
            f"`{method}` takes a list of texts, not a single {type(texts).__name__}: "
            f"pass [text] for one text. Received: {texts!r:.60}"
        )
    try:
        return iter(texts)
    except TypeError:
        raise TypeError(
            f"`{method}` takes a list of texts. Received: {type(texts).__name__} {texts!r:.60}"
        ) from None


def _check_text(text: Any, index: int) -> str:
    if not isinstance(text, str):
        raise TypeError(
            f"`texts[{index}]` must be a str. Received: {type(text).__name__} {text!r:.60}"
        )
    return text


class Tokenizer:
    """Maps texts to sequences of word ids, like the legacy Keras `Tokenizer`.

    Ids start at 1 and go to the most frequent words first (ties in first-seen
    order); id 0 is left for padding. With `oov_token`, that token has id 1 and
    stands for every word without an id below `num_words`.

    Args:
        num_words: int or None. If set, only ids below `num_words` are emitted
            (so at most ``num_words - 1`` words are kept); with `oov_token` the
            other words become the OOV id, without it they are dropped. At
            least 2 when `oov_token` is set.
        filters: str. Characters removed from the texts (each acts as a separator).
        lower: bool. Whether to lowercase texts.
        split: str. The word separator; must not be empty.
        char_level: bool. If True, every character is a token (`filters` and
            `split` are then not used).
        oov_token: str or None. The token standing for out-of-vocabulary words.
        analyzer: str, Analyzer or None. How a text becomes tokens: a spec
            of `embedlab.text.analyzers.get_analyzer` (``"kiwi"``,
            ``"kiwi:pos"``, ``"subword"``) or None for ``whitespace`` (the
            legacy splitting). A trained analyzer (``subword``) learns from
            the texts of the first `fit_on_texts` call.

    Attributes:
        word_counts: dict of str to int. Occurrences of each word, in first-seen order.
        word_docs: dict of str to int. Number of texts each word occurs in.
        document_count: int. Number of texts fitted on.
        word_index: dict of str to int. The id of each word (1-based).
        index_word: dict of int to str. The word of each id.

    Raises:
        TypeError: If an option has the wrong type.
        ValueError: If `num_words`, `split` or `oov_token` is invalid.

    Example:
        >>> tokenizer = Tokenizer(oov_token="<OOV>").fit_on_texts(["a b b", "c"])
        >>> tokenizer.word_index
        {'<OOV>': 1, 'b': 2, 'a': 3, 'c': 4}
        >>> tokenizer.texts_to_sequences(["b a d"])
        [[2, 3, 1]]
        >>> tokenizer.vocab_size
        5
    """

    def __init__(
        self,
        num_words: int | None = None,
        *,
        filters: str = DEFAULT_FILTERS,
        lower: bool = True,
        split: str = " ",
        char_level: bool = False,
        oov_token: str | None = None,
        analyzer: str | Analyzer | None = None,
    ) -> None:
        _check_filters_and_split(filters, split)
        for name, flag in (("lower", lower), ("char_level", char_level)):
            if not isinstance(flag, (bool, np.bool_)):
                raise TypeError(f"`{name}` must be a bool. Received: {name}={flag!r}")
        if oov_token is not None and (not isinstance(oov_token, str) or not oov_token):
            raise ValueError(
                f"`oov_token` must be a non-empty str or None. Received: oov_token={oov_token!r}"
            )
        self._filters = filters
        self._split = split
        self._lower = bool(lower)
        self._char_level = bool(char_level)
        self._oov_token = oov_token
        self._analyzer = get_analyzer(analyzer)
        if self._char_level and self._analyzer.name != "whitespace":
            raise ValueError(
                "`char_level` splits texts into characters; it cannot be combined with "
                f"analyzer {self._analyzer.spec()!r}. Received: char_level=True"
            )
        self._num_words: int | None = None
        self.num_words = num_words

        self.word_counts: dict[str, int] = {}
        self.word_docs: dict[str, int] = {}
        self.document_count = 0
        self.word_index: dict[str, int] = {}
        self.extra_words: list[str] = []
        self.index_word: dict[int, str] = {}

    # ----------------------------------------------------------------- options

    @property
    def num_words(self) -> int | None:
        """int or None. Only ids below this are emitted; may be changed after fitting."""
        return self._num_words

    @num_words.setter
    def num_words(self, value: int | None) -> None:
        if value is not None and (
            isinstance(value, (bool, np.bool_))
            or not isinstance(value, (int, np.integer))
            or value < 1
        ):
            raise ValueError(
                f"`num_words` must be a positive integer or None. Received: num_words={value!r}"
            )
        if value is not None and self._oov_token is not None and value < 2:
            raise ValueError(
                "`num_words` must be at least 2 when `oov_token` is set (id 0 is padding, "
                f"id 1 the OOV token). Received: num_words={value!r}"
            )
        self._num_words = None if value is None else int(value)

    @property
    def filters(self) -> str:
        """str. Characters removed from the texts."""
        return self._filters

    @property
    def lower(self) -> bool:
        """bool. Whether texts are lowercased."""
        return self._lower

    @property
    def split(self) -> str:
        """str. The word separator."""
        return self._split

    @property
    def char_level(self) -> bool:
        """bool. Whether every character is a token."""
        return self._char_level

    @property
    def oov_token(self) -> str | None:
        """str or None. The token standing for out-of-vocabulary words."""
        return self._oov_token

    @property
    def analyzer(self) -> Analyzer:
        """Analyzer. How texts become tokens (``whitespace``: the legacy splitting)."""
        return self._analyzer

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-serialisable dict.

        ``analyzer`` is ``{"name": ..., "options": {...}}``, left out for
        ``whitespace`` so the config stays that of the legacy class.
        """
        config = {key: getattr(self, key) for key in _CONFIG_KEYS}
        if self._analyzer.name != "whitespace":
            config[_ANALYZER_KEY] = {
                "name": self._analyzer.name,
                "options": self._analyzer.options(),
            }
        return config

    def __repr__(self) -> str:
        return (
            f"Tokenizer(num_words={self.num_words!r}, oov_token={self.oov_token!r}, "
            f"char_level={self.char_level!r}, analyzer={self._analyzer.spec()!r}, "
            f"words={len(self.word_counts)}, "
            f"documents={self.document_count})"
        )

    # ----------------------------------------------------------------- fitting

    def _tokenize(self, text: str) -> list[str]:
        if self._char_level:
            return list(text.lower() if self._lower else text)
        return _split_words(text, self._filters, self._lower, self._split)

    def _tokenize_all(self, texts: list[str]) -> Iterator[list[str]]:
        """The tokens of each (checked) text; other analyzers see them lowered and filtered."""
        if self._analyzer.name == "whitespace":
            return map(self._tokenize, texts)
        table = _translate_table(self._filters, " ")
        lower = self._lower
        prepared = ((text.lower() if lower else text).translate(table) for text in texts)
        return self._analyzer.analyze(prepared)

    def tokenize(self, texts: Iterable[str]) -> list[list[str]]:
        """The tokens the tokenizer counts for each text (after its analyzer).

        Args:
            texts: list of str. The texts.

        Returns:
            One list of tokens per text.

        Raises:
            TypeError: If `texts` is a single string or holds a non-string.
            RuntimeError: If a trained analyzer (``subword``) is not fitted yet.
        """
        items = list(_check_texts_container(texts, "tokenize"))
        for index, text in enumerate(items):
            _check_text(text, index)
        return list(self._tokenize_all(items))

    def fit_on_texts(self, texts: Iterable[str]) -> Tokenizer:
        """Count the words of `texts` and (re)build `word_index`.

        Calls add up: fitting twice counts both lists, as the legacy class does.
        All texts are checked before anything is counted.

        Args:
            texts: list of str. The training texts.

        Returns:
            This tokenizer, fitted.

        Raises:
            TypeError: If `texts` is a single string or holds a non-string.
        """
        items = list(_check_texts_container(texts, "fit_on_texts"))
        for index, text in enumerate(items):
            _check_text(text, index)
        counts = self.word_counts
        docs = self.word_docs
        if self._analyzer.trained and self.document_count == 0 and items:
            table = _translate_table(self._filters, " ")
            self._analyzer.fit([(t.lower() if self._lower else t).translate(table) for t in items])
        for words in self._tokenize_all(items):
            self.document_count += 1
            for word in words:
                counts[word] = counts.get(word, 0) + 1
            for word in dict.fromkeys(words):
                docs[word] = docs.get(word, 0) + 1
        self._build_index()
        return self

    def _build_index(self) -> None:
        ranked = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        oov = self._oov_token
        vocab = [] if oov is None else [oov]
        vocab.extend(word for word, _ in ranked if word != oov)
        seen = set(vocab)
        vocab.extend(word for word in self.extra_words if word not in seen)
        self.word_index = {word: i for i, word in enumerate(vocab, start=1)}
        self.index_word = {i: word for word, i in self.word_index.items()}

    def extend_vocabulary(self, words: Iterable[str]) -> int:
        """Give ids after the training words to `words` the texts did not contain.

        Used to let pretrained vectors cover words that training never saw
        (their rows come from the vectors, frozen in mode ``static``). The
        words count 0 in `word_counts` and keep their ids across later fits.

        Args:
            words: iterable of str. Candidate words, most useful first.

        Returns:
            The number of words added.

        Raises:
            RuntimeError: If the tokenizer has not been fitted.
            ValueError: If `num_words` is set (added ids would be dropped).
        """
        self._check_fitted("extend_vocabulary")
        if self._num_words is not None:
            raise ValueError(
                "`extend_vocabulary` needs num_words=None: ids at or above num_words are "
                f"never emitted. Received: num_words={self._num_words}"
            )
        known = set(self.word_index)
        added = [w for w in dict.fromkeys(words) if isinstance(w, str) and w and w not in known]
        self.extra_words.extend(added)
        self._build_index()
        return len(added)

    def _check_fitted(self, method: str) -> None:
        if self.document_count == 0:
            raise RuntimeError(
                f"This Tokenizer has not been fitted: call `fit_on_texts` with a non-empty "
                f"list of texts before `{method}`."
            )

    # -------------------------------------------------------------- vocabulary

    @property
    def vocab_size(self) -> int:
        """int. Rows an `Embedding` needs: every emitted id is below this.

        ``min(num_words, len(word_index) + 1)`` when `num_words` is set, else
        ``len(word_index) + 1`` (id 0 is padding).

        Raises:
            RuntimeError: If the tokenizer has not been fitted.
        """
        self._check_fitted("vocab_size")
        size = len(self.word_index) + 1
        return size if self._num_words is None else min(self._num_words, size)

    def vocabulary(self) -> list[str]:
        """The words of ids ``1 .. vocab_size - 1``, in id order (the OOV token first if set).

        Raises:
            RuntimeError: If the tokenizer has not been fitted.
        """
        index_word = self.index_word
        return [index_word[i] for i in range(1, self.vocab_size)]

    def word_frequencies(self) -> dict[str, int]:
        """Training occurrences of each word of `vocabulary()`, in id order.

        The OOV token counts 0 unless it occurs in the texts. Words beyond
        `num_words` are left out; all words are in `word_counts`.

        Raises:
            RuntimeError: If the tokenizer has not been fitted.
        """
        counts = self.word_counts
        return {word: counts.get(word, 0) for word in self.vocabulary()}

    # --------------------------------------------------------------- encoding

    def texts_to_sequences(self, texts: Iterable[str]) -> list[list[int]]:
        """Turn texts into lists of word ids.

        Words without an id below `num_words` become the OOV id (1) when
        `oov_token` is set and are dropped otherwise.

        Args:
            texts: list of str. The texts.

        Returns:
            One list of ids per text; every id is below `vocab_size`.

        Raises:
            RuntimeError: If the tokenizer has not been fitted.
            TypeError: If `texts` is a single string or holds a non-string.
        """
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts: Iterable[str]) -> Iterator[list[int]]:
        """Like `texts_to_sequences`, one text at a time.

        Args:
            texts: iterable of str. The texts; read lazily.

        Returns:
            An iterator of lists of ids.

        Raises:
            RuntimeError: If the tokenizer has not been fitted (at once).
            TypeError: If `texts` is a single string (at once) or holds a
                non-string (when it is reached).
        """
        self._check_fitted("texts_to_sequences")
        iterator = _check_texts_container(texts, "texts_to_sequences")
        limit = self._num_words
        ids = (
            self.word_index
            if limit is None
            else {word: i for word, i in self.word_index.items() if i < limit}
        )
        oov_id = None if self._oov_token is None else self.word_index[self._oov_token]
        return self._encode(iterator, ids, oov_id)

    def _encode(
        self, texts: Iterator[Any], ids: dict[str, int], oov_id: int | None
    ) -> Iterator[list[int]]:
        for words in self._analyzed(texts):
            if oov_id is None:
                yield [ids[word] for word in words if word in ids]
            else:
                yield [ids.get(word, oov_id) for word in words]

    def _analyzed(self, texts: Iterator[Any]) -> Iterator[list[str]]:
        # Checked lazily, in batches, so a non-whitespace analyzer sees many texts at once.
        if self._analyzer.name == "whitespace":
            for index, text in enumerate(texts):
                yield self._tokenize(_check_text(text, index))
            return
        start = 0
        while True:
            batch = [
                _check_text(text, start + i)
                for i, text in enumerate(itertools.islice(texts, _BATCH))
            ]
            if not batch:
                return
            yield from self._tokenize_all(batch)
            start += len(batch)

    def sequences_to_texts(self, sequences: Iterable[Iterable[int]]) -> list[str]:
        """Turn lists of ids back into space-joined texts.

        As in the legacy class, ids without a word below `num_words` (padding 0
        included) become the OOV token when it is set and are dropped otherwise.

        Args:
            sequences: list of lists of int, or a 2-D array. The id sequences.

        Returns:
            One text per sequence.

        Raises:
            RuntimeError: If the tokenizer has not been fitted.
            TypeError: If `sequences` is not a list of sequences.
        """
        self._check_fitted("sequences_to_texts")
        if isinstance(sequences, (str, bytes)) or not isinstance(sequences, Iterable):
            raise TypeError(
                "`sequences` must be a list of sequences of ids. "
                f"Received: {type(sequences).__name__} {sequences!r:.60}"
            )
        limit = self._num_words
        words = (
            self.index_word
            if limit is None
            else {i: word for i, word in self.index_word.items() if i < limit}
        )
        oov = self._oov_token
        texts = []
        for index, sequence in enumerate(sequences):
            if isinstance(sequence, (str, bytes)) or not isinstance(sequence, Iterable):
                raise TypeError(
                    f"`sequences[{index}]` must be a sequence of ids; to decode one sequence "
                    f"pass [sequence]. Received: {type(sequence).__name__} {sequence!r:.60}"
                )
            if oov is None:
                texts.append(" ".join(words[i] for i in sequence if i in words))
            else:
                texts.append(" ".join(words.get(i, oov) for i in sequence))
        return texts

    # ------------------------------------------------------------------- JSON

    def to_json(self, *, indent: int | None = None) -> str:
        """Serialise the options and counts to a versioned JSON string.

        The layout is ``{"format": "embedlab.tokenizer", "version": 1,
        "config": {...}, "word_counts": {...}, "word_docs": {...},
        "document_count": int, "word_index": {...}}``.

        Args:
            indent: int or None. Passed to `json.dumps`.

        Returns:
            The JSON text.
        """
        data = {
            "format": JSON_FORMAT,
            "version": JSON_VERSION,
            "config": self.get_config(),
            "word_counts": self.word_counts,
            "word_docs": self.word_docs,
            "document_count": self.document_count,
            "word_index": self.word_index,
            "extra_words": self.extra_words,
        }
        state = self._analyzer.state()
        if state is not None:
            data["analyzer_state"] = state
        return json.dumps(data, ensure_ascii=False, indent=indent)

    @classmethod
    def from_json(cls, json_string: str) -> Tokenizer:
        """Rebuild a tokenizer from `to_json` output.

        Args:
            json_string: str. The JSON text.

        Returns:
            The tokenizer.

        Raises:
            SavedFileError: If the text is not a version-1 embedlab tokenizer
                (a `ValueError`).
        """
        return cls._from_json(json_string, source="tokenizer JSON")

    @classmethod
    def _from_json(cls, json_string: str, *, source: str) -> Tokenizer:
        try:
            data = json.loads(json_string)
        except (TypeError, json.JSONDecodeError) as error:
            raise SavedFileError(f"{source}: not valid JSON ({error})") from None
        if not isinstance(data, dict):
            raise SavedFileError(f"{source}: expected a JSON object, found {type(data).__name__}")
        if data.get("format") != JSON_FORMAT:
            hint = ""
            if data.get("class_name") == "Tokenizer":
                hint = " (this looks like a legacy Keras `Tokenizer.to_json()`)"
            raise SavedFileError(
                f"{source}: expected format {JSON_FORMAT!r}, found "
                f"format={data.get('format')!r}{hint}"
            )
        if data.get("version") != JSON_VERSION:
            raise SavedFileError(
                f"{source}: unsupported version {data.get('version')!r}; "
                f"this embedlab reads version {JSON_VERSION}"
            )
        config = _expect(data, "config", dict, source)
        unknown = sorted(set(config) - {*_CONFIG_KEYS, _ANALYZER_KEY})
        if unknown:
            raise SavedFileError(f"{source}: unknown config keys {unknown}")
        config = dict(config)
        analyzer = analyzer_from_config(
            config.pop(_ANALYZER_KEY, None), data.get("analyzer_state"), source=source
        )
        try:
            tokenizer = cls(**config, analyzer=analyzer)
        except (TypeError, ValueError) as error:
            raise SavedFileError(f"{source}: bad config: {error}") from None
        tokenizer.word_counts = _expect_counts(data, "word_counts", source)
        tokenizer.word_docs = _expect_counts(data, "word_docs", source)
        document_count = _expect(data, "document_count", int, source)
        if isinstance(document_count, bool) or document_count < 0:
            raise SavedFileError(
                f"{source}: `document_count` must be >= 0, found {document_count!r}"
            )
        tokenizer.document_count = document_count
        word_index = _expect_counts(data, "word_index", source)
        if sorted(word_index.values()) != list(range(1, len(word_index) + 1)):
            raise SavedFileError(f"{source}: `word_index` ids must be exactly 1..{len(word_index)}")
        oov = tokenizer.oov_token
        if oov is not None and (word_index or document_count) and word_index.get(oov) != 1:
            raise SavedFileError(
                f"{source}: oov_token {oov!r} must have id 1, found {word_index.get(oov)!r}"
            )
        extra = data.get("extra_words", [])
        if not isinstance(extra, list) or not all(isinstance(w, str) for w in extra):
            raise SavedFileError(f"{source}: `extra_words` must be a list of strings")
        tokenizer.extra_words = list(extra)
        tokenizer.word_index = word_index
        tokenizer.index_word = {i: word for word, i in word_index.items()}
        return tokenizer

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write `to_json()` to `path` atomically (temporary file, then rename).

        Args:
            path: str or path. The file to write (UTF-8 JSON).
        """
        with atomic_open(path, newline="\n") as file:
            file.write(self.to_json())
            file.flush()
            os.fsync(file.fileno())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Tokenizer:
        """Read a tokenizer written by `save`.

        Args:
            path: str or path. The JSON file.

        Returns:
            The tokenizer.

        Raises:
            SavedFileError: If `path` cannot be read or is not a version-1
                embedlab tokenizer; the message names the file. It is a
                `ValueError` and an `embedlab.errors.EmbedlabError`.
        """
        path = os.fspath(path)
        try:
            with open(path, encoding="utf-8") as file:
                text = file.read()
        except OSError as error:
            raise SavedFileError(f"{path}: cannot be read ({error.strerror}).") from None
        except UnicodeDecodeError as error:
            raise SavedFileError(
                f"{path}: not UTF-8 text ({error.reason} at byte {error.start})."
            ) from None
        return cls._from_json(text, source=path)


def _expect(data: dict[str, Any], key: str, kind: type, source: str) -> Any:
    if key not in data:
        raise SavedFileError(f"{source}: missing field {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise SavedFileError(
            f"{source}: field {key!r} must be a {kind.__name__}, found {type(value).__name__}"
        )
    return value


def _expect_counts(data: dict[str, Any], key: str, source: str) -> dict[str, int]:
    value = _expect(data, key, dict, source)
    for word, count in value.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise SavedFileError(
                f"{source}: field {key!r} must map words to non-negative integers, "
                f"found {word!r}: {count!r}"
            )
    return value


def _concatenate(pieces: list[Any], total: int, dtype: np.dtype) -> np.ndarray:
    # One flat array of all ids, cast as `np.asarray(piece, dtype)` casts.
    try:
        if pieces and all(isinstance(piece, np.ndarray) and piece.ndim == 1 for piece in pieces):
            return np.concatenate(pieces).astype(dtype, copy=False)
        chained = itertools.chain.from_iterable(pieces)
        if dtype.kind in "biuf":
            return np.fromiter(chained, dtype=dtype, count=total)
        values = np.asarray(list(chained), dtype=dtype)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"`sequences` must hold 1-D sequences of numbers; could not convert them ({error})"
        ) from None
    if values.ndim != 1:
        raise ValueError(
            f"`sequences` must hold 1-D sequences; found items of shape {values.shape[1:]}"
        )
    return values


def pad_sequences(
    sequences: Iterable[Sequence[int] | np.ndarray],
    maxlen: int | None = None,
    *,
    dtype: Any = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: float | str = 0,
) -> np.ndarray:
    """Pad (or truncate) id sequences to one length, like `keras.utils.pad_sequences`.

    Args:
        sequences: list of sequences of int (lists or 1-D arrays).
        maxlen: int or None. The output length; None pads to the longest sequence.
        dtype: NumPy dtype or its name. The output dtype (values are cast to it).
        padding: str. ``"pre"`` or ``"post"``: where the padding goes.
        truncating: str. ``"pre"`` or ``"post"``: which end of a longer
            sequence is cut off.
        value: int or float (or str with a string or object `dtype`). The padding value.

    Returns:
        Array of shape ``(len(sequences), maxlen)``. With no sequences and
        no `maxlen`, shape ``(0, 0)`` (Keras raises instead).

    Raises:
        ValueError: If `maxlen`, `padding` or `truncating` is invalid, or a
            sequence is not a 1-D sequence of numbers.

    Example:
        >>> pad_sequences([[1], [2, 3], [4, 5, 6]], padding="post")
        array([[1, 0, 0],
               [2, 3, 0],
               [4, 5, 6]], dtype=int32)
    """
    if padding not in _PADDING_MODES:
        raise ValueError(f'`padding` must be "pre" or "post". Received: padding={padding!r}')
    if truncating not in _PADDING_MODES:
        raise ValueError(
            f'`truncating` must be "pre" or "post". Received: truncating={truncating!r}'
        )
    if maxlen is not None and (
        isinstance(maxlen, (bool, np.bool_))
        or not isinstance(maxlen, (int, np.integer))
        or maxlen < 1
    ):
        raise ValueError(
            f"`maxlen` must be a positive integer or None. Received: maxlen={maxlen!r}"
        )
    kind = np.dtype(dtype).kind
    if isinstance(value, str) and kind not in "OSU":
        raise ValueError(
            f"`value` is a str but `dtype` {dtype!r} is not a string dtype (use dtype=object "
            f"for strings). Received: value={value!r}"
        )
    if isinstance(sequences, (str, bytes)) or not isinstance(sequences, Iterable):
        raise ValueError(
            "`sequences` must be a list of sequences. "
            f"Received: {type(sequences).__name__} {sequences!r:.60}"
        )
    sequences = list(sequences)
    lengths = []
    for index, sequence in enumerate(sequences):
        if isinstance(sequence, (str, bytes)) or not hasattr(sequence, "__len__"):
            raise ValueError(
                f"`sequences[{index}]` must be a sequence of numbers. "
                f"Received: {type(sequence).__name__} {sequence!r:.60}"
            )
        lengths.append(len(sequence))
    width = max(lengths, default=0) if maxlen is None else int(maxlen)

    if truncating == "pre":
        pieces = [
            s if n <= width else s[n - width :] for s, n in zip(sequences, lengths, strict=True)
        ]
    else:
        pieces = [s if n <= width else s[:width] for s, n in zip(sequences, lengths, strict=True)]
    kept = np.minimum(np.asarray(lengths, dtype=np.int64), width)
    values = _concatenate(pieces, int(kept.sum()), np.dtype(dtype))

    out = np.full((len(sequences), width), value, dtype=dtype)
    rows = np.repeat(np.arange(len(sequences)), kept)
    starts = np.cumsum(kept) - kept
    columns = np.arange(len(values)) - np.repeat(starts, kept)
    if padding == "pre":
        columns += np.repeat(width - kept, kept)
    out[rows, columns] = values
    return out
