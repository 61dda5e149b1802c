"""Word analysis as a part you can swap: how a text becomes the tokens a `Tokenizer` counts.

Whitespace splitting (the legacy Keras behaviour) works for English but not
for Korean, where particles and endings are glued to the stem (영화가, 영화는,
영화를 are three "words" for it). An analyzer is chosen by name from a small
registry and saved in ``tokenizer.json``, so everything that loads a trained
classifier analyses new texts the same way:

- ``whitespace``: the legacy Keras `Tokenizer` splitting (the default for
  texts that are not mostly Hangul). Its work is done by the `Tokenizer`
  itself, so it stays equal to the legacy class.
- ``kiwi``: Korean morphemes by kiwipiepy (`pip install 'embedlab[korean]'`;
  the model ships with the package, nothing is downloaded). Options:
  ``content`` keeps only content morphemes (nouns, verb and adjective stems,
  adverbs, roots, foreign words, numbers, emoji and ㅋㅋ-like symbols),
  ``pos`` writes each token as ``form/TAG``.
- ``subword``: a language-independent unigram-LM subword model (Kudo 2018)
  trained on the training texts with SentencePiece, saved inside
  ``tokenizer.json``. Option ``vocab``: the number of pieces (default 8000).

A spec is a name with optional ``:`` options, e.g. ``"kiwi"``,
``"kiwi:content"``, ``"kiwi:pos"``, ``"subword:vocab=8000"``.

`suggest_analyzer` says which analyzer suits a list of texts (``kiwi`` when
most are Hangul).
"""

from __future__ import annotations

import base64
import functools
import io
import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from embedlab.errors import EmbedlabError

__all__ = [
    "ANALYZERS",
    "Analyzer",
    "AnalyzerError",
    "KiwiAnalyzer",
    "SubwordAnalyzer",
    "WhitespaceAnalyzer",
    "analyzer_from_config",
    "get_analyzer",
    "hangul_count",
    "hangul_fraction",
    "suggest_analyzer",
]


KOREAN_EXTRA = "pip install 'embedlab[korean]'  (or: pip install kiwipiepy)"
# kiwipiepy tags kept by ``kiwi:content`` (Sejong tag set as kiwipiepy extends it):
# nouns, pronouns, numerals, verb/adjective stems, adverbs, determiners,
# interjections, roots, foreign words, Hanja, numbers, symbols like ㅋㅋ, emoji
CONTENT_TAGS = frozenset(
    "NNG NNP NNB NR NP VV VA VX VCN MM MAG IC XR SL SH SN SW W_EMOJI W_HASHTAG".split()
)
logger = logging.getLogger("embedlab")
_HANGUL = ((0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3130, 0x318F))
_HANGUL_CHARS = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _HANGUL) + "]")


class AnalyzerError(EmbedlabError, ValueError):
    """An unknown analyzer, a bad option, or an analyzer whose package is missing."""


class Analyzer:
    """Base class: turns texts into lists of tokens.

    Subclasses set `name`, implement `analyze`, and may learn from the
    training texts in `fit` (saving what they learnt with `state`).
    """

    name: ClassVar[str] = ""
    trained: ClassVar[bool] = False

    def options(self) -> dict[str, Any]:
        """The analyzer's options, as a JSON-serialisable dict."""
        return {}

    def spec(self) -> str:
        """The name and options as one string (``"kiwi:pos"``)."""
        parts = [
            key if value is True else f"{key}={value}"
            for key, value in self.options().items()
            if value is not False
        ]
        return self.name + (":" + ",".join(parts) if parts else "")

    def fit(self, texts: list[str]) -> None:
        """Learn from the training texts (nothing for most analyzers)."""

    def analyze(self, texts: Iterable[str]) -> Iterator[list[str]]:
        """The tokens of each text, lazily, in order."""
        raise NotImplementedError

    def state(self) -> Any:
        """What `fit` learnt, JSON-serialisable (None if nothing)."""
        return None

    def load_state(self, state: Any, *, source: str) -> None:
        """Restore what `state` returned."""

    def __repr__(self) -> str:
        return f"<analyzer {self.spec()}>"


class WhitespaceAnalyzer(Analyzer):
    """The legacy Keras splitting; the `Tokenizer` does the work (filters, lower, split)."""

    name = "whitespace"

    def analyze(self, texts: Iterable[str]) -> Iterator[list[str]]:
        return (text.split() for text in texts)


@functools.cache
def _kiwi(num_workers: int) -> Any:
    try:
        from kiwipiepy import Kiwi
    except ImportError:
        raise AnalyzerError(
            f"The `kiwi` analyzer needs the kiwipiepy package: {KOREAN_EXTRA}"
        ) from None
    return Kiwi(num_workers=num_workers)


class KiwiAnalyzer(Analyzer):
    """Korean morphemes by kiwipiepy, batched over its own worker threads.

    Args:
        content: bool. Keep only content morphemes (`CONTENT_TAGS`), dropping
            particles, endings and punctuation.
        pos: bool. Write each token as ``form/TAG`` (영화/NNG), so homographs
            with different parts of speech stay apart.
        num_workers: int. kiwipiepy threads; -1 uses every core. Not saved.
    """

    name = "kiwi"

    def __init__(self, *, content: bool = False, pos: bool = False, num_workers: int = -1) -> None:
        if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < -1:
            raise AnalyzerError(
                f"`num_workers` must be -1 (every core) or a positive integer. "
                f"Received: num_workers={num_workers!r}"
            )
        num_workers = num_workers or 1
        for key, value in (("content", content), ("pos", pos)):
            if not isinstance(value, bool):
                raise AnalyzerError(f"`{key}` must be True or False. Received: {key}={value!r}")
        self.content = content
        self.pos = pos
        self.num_workers = num_workers
        _kiwi(num_workers)  # fail now, with the install hint, if kiwipiepy is missing

    def options(self) -> dict[str, Any]:
        return {"content": self.content, "pos": self.pos}

    def analyze(self, texts: Iterable[str]) -> Iterator[list[str]]:
        kiwi = _kiwi(self.num_workers)
        batch = [_encodable(text) for text in texts]
        try:
            # kiwipiepy spreads a list over its worker threads and yields in order
            analysed = list(kiwi.tokenize(batch))
        except Exception:  # kiwipiepy raises plain Exception; find the text, keep the rest
            analysed = [_one_text(kiwi, text) for text in batch]
        for tokens in analysed:
            if isinstance(tokens, str):  # not analysable: its whitespace words
                yield tokens.split()
                continue
            # multi-word entries (모건 프리먼) join with "_" so no token holds a space
            forms = [
                (token.form.replace(" ", "_"), token.tag)
                for token in tokens
                if not self.content or token.tag in CONTENT_TAGS
            ]
            yield [f"{form}/{tag}" if self.pos else form for form, tag in forms]


def _one_text(kiwi: Any, text: str) -> Any:
    try:
        return kiwi.tokenize(text)
    except Exception as error:  # kiwipiepy raises plain Exception
        logger.warning("kiwipiepy cannot analyse %r (%s): split on whitespace", text[:60], error)
        return text


def _encodable(text: str) -> str:
    # Lone surrogates cannot be passed to the C++ analyzers: replace them with "?".
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


class SubwordAnalyzer(Analyzer):
    """A unigram-LM subword model (Kudo 2018) learnt from the training texts.

    Built with SentencePiece (`pip install 'embedlab[subword]'`). On the NSMC
    split it trained in 43 s and tokenised 17,100 texts/s against 142 s and
    4,200 texts/s for the `tokenizers` package's unigram trainer, at the same
    TF-IDF + LR accuracy (84.6%, 8,000 pieces; both in one run). The model
    (a serialised protobuf) is saved inside ``tokenizer.json`` in base64.

    Args:
        vocab: int. Pieces in the model (an upper bound: a small corpus gets fewer).
    """

    name = "subword"
    trained = True

    def __init__(self, *, vocab: int = 8000) -> None:
        if isinstance(vocab, bool) or not isinstance(vocab, int) or vocab < 100:
            raise AnalyzerError(f"`vocab` must be an integer >= 100. Received: vocab={vocab!r}")
        _sentencepiece()
        self.vocab = vocab
        self._proto: bytes | None = None
        self._model: Any = None

    def options(self) -> dict[str, Any]:
        return {"vocab": self.vocab}

    def fit(self, texts: list[str]) -> None:
        spm = _sentencepiece()
        proto = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=map(_encodable, texts),
            model_writer=proto,
            vocab_size=self.vocab,
            hard_vocab_limit=False,
            model_type="unigram",
            character_coverage=0.9995,
            minloglevel=2,
        )
        self._set(proto.getvalue())

    def _set(self, proto: bytes) -> None:
        self._proto = proto
        self._model = _sentencepiece().SentencePieceProcessor(model_proto=proto)

    def analyze(self, texts: Iterable[str]) -> Iterator[list[str]]:
        if self._model is None:
            raise RuntimeError("The `subword` analyzer must be fitted before use.")
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) == 4096:
                yield from self._encode(batch)
                batch = []
        if batch:
            yield from self._encode(batch)

    def _encode(self, batch: list[str]) -> Iterator[list[str]]:
        for pieces in self._model.encode(list(map(_encodable, batch)), out_type=str):
            yield [piece for piece in pieces if piece != "\u2581"]

    def state(self) -> Any:
        return None if self._proto is None else base64.b64encode(self._proto).decode("ascii")

    def load_state(self, state: Any, *, source: str) -> None:
        try:
            self._set(base64.b64decode(state, validate=True))
        except Exception as error:  # SentencePiece raises RuntimeError/OSError variants
            raise AnalyzerError(f"{source}: bad `subword` model ({error})") from None


def _sentencepiece() -> Any:
    try:
        import sentencepiece
    except ImportError:
        raise AnalyzerError(
            "The `subword` analyzer needs the sentencepiece package: "
            "pip install 'embedlab[subword]'  (or: pip install sentencepiece)"
        ) from None
    return sentencepiece


ANALYZERS: dict[str, type[Analyzer]] = {
    cls.name: cls for cls in (WhitespaceAnalyzer, KiwiAnalyzer, SubwordAnalyzer)
}
"""The registered analyzers by name."""


def _parse_value(key: str, text: str, spec: str) -> Any:
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        raise AnalyzerError(
            f"Analyzer option {key!r} of {spec!r} must be true, false or an integer. "
            f"Received: {text!r}"
        ) from None


def get_analyzer(spec: str | Analyzer | None = None, **options: Any) -> Analyzer:
    """The analyzer that `spec` names.

    Args:
        spec: str, Analyzer or None. A name with optional options after a
            colon (``"kiwi:content,pos"``, ``"subword:vocab=8000"``), an
            analyzer (returned as is), or None for ``whitespace``.
        **options: more options for the analyzer's constructor.

    Returns:
        The analyzer.

    Raises:
        AnalyzerError: For an unknown name or option, or a missing package
            (the message says what to install).

    Example:
        >>> get_analyzer("whitespace").spec()
        'whitespace'
    """
    if isinstance(spec, Analyzer):
        return spec
    spec = spec or "whitespace"
    if not isinstance(spec, str):
        raise AnalyzerError(f"`analyzer` must be a name or an Analyzer. Received: {spec!r}")
    name, _, rest = spec.strip().partition(":")
    if name not in ANALYZERS:
        raise AnalyzerError(
            f"Unknown analyzer {name!r}. Choose one of: {', '.join(ANALYZERS)} "
            "(`kiwi` needs " + KOREAN_EXTRA + ")."
        )
    kwargs: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, eq, value = item.partition("=")
        kwargs[key] = _parse_value(key, value, spec) if eq else True
    kwargs.update(options)
    try:
        return ANALYZERS[name](**kwargs)
    except TypeError:
        raise AnalyzerError(
            f"Analyzer {name!r} does not take the options {sorted(kwargs)}; see "
            f"`help(embedlab.text.analyzers.{ANALYZERS[name].__name__})`."
        ) from None


def analyzer_from_config(config: Any, state: Any = None, *, source: str) -> Analyzer:
    """Rebuild a saved analyzer from ``{"name": ..., "options": {...}}`` and its state."""
    if config is None:
        return WhitespaceAnalyzer()
    if not isinstance(config, dict) or not isinstance(config.get("name"), str):
        raise AnalyzerError(f"{source}: `analyzer` must be an object with a `name`")
    options = config.get("options", {})
    if not isinstance(options, dict):
        raise AnalyzerError(f"{source}: analyzer `options` must be an object")
    try:
        analyzer = get_analyzer(config["name"], **options)
    except AnalyzerError as error:
        raise AnalyzerError(f"{source}: {error}") from None
    if analyzer.trained:
        analyzer.load_state(state, source=source)
    return analyzer


def hangul_count(texts: Iterable[str], *, sample: int = 2000) -> tuple[int, int]:
    """How many of the first `sample` texts are mostly Hangul, and how many were read.

    A text counts when at least half of its letters are Hangul; this is the
    test `suggest_analyzer` and the default recipe both apply.
    """
    looked = hangul = 0
    for text in texts:
        if looked == sample:
            break
        looked += 1
        hangul += isinstance(text, str) and hangul_fraction(text) >= 0.5
    return hangul, looked


def hangul_fraction(text: str) -> float:
    """The share of a text's letters that are Hangul (0.0 without letters)."""
    hangul = sum(map(str.isalpha, _HANGUL_CHARS.findall(text)))  # Hangul letters
    if not hangul:
        return 0.0  # no Hangul letter (or none at all): no need to count the others
    letters = sum(map(str.isalpha, text))
    return hangul / letters


def suggest_analyzer(texts: Iterable[str], *, sample: int = 2000) -> tuple[str, str]:
    """The analyzer that suits `texts`, and why: ``kiwi`` when most are Hangul.

    A text counts as Hangul when at least half of its letters are. If most
    texts are but kiwipiepy is not installed, the answer is ``whitespace``
    and the reason says what to install.

    Args:
        texts: iterable of str. The training texts (the first `sample` are read).
        sample: int. How many texts to look at.

    Returns:
        ``(name, reason)``.

    Example:
        >>> suggest_analyzer(["a fine film", "dull"])[0]
        'whitespace'
    """
    hangul, looked = hangul_count(texts, sample=sample)
    if looked == 0 or hangul * 2 <= looked:
        return "whitespace", f"{hangul} of {looked} texts are mostly Hangul"
    share = f"{hangul} of {looked} texts are mostly Hangul"
    try:
        _kiwi(-1)
    except AnalyzerError:
        return "whitespace", f"{share}, but kiwipiepy is missing ({KOREAN_EXTRA})"
    return "kiwi", f"{share}: Korean morphemes (kiwipiepy)"
