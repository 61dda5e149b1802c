"""Text to ids: the tokenizer and sequence padding.

- `embedlab.text.tokenizer`: `Tokenizer` (fit, ``word_index``, ``num_words``,
  ``oov_token``, texts to sequences and back, JSON save/load, equal to the
  legacy Keras `Tokenizer`), `text_to_word_sequence` and `pad_sequences`.
- `embedlab.text.analyzers`: the word analyzers a `Tokenizer` can use
  (``whitespace``, ``kiwi`` for Korean morphemes, ``subword``),
  `get_analyzer` and `suggest_analyzer`.

Every public name is importable from `embedlab.text`.
"""

from embedlab.text.analyzers import (
    ANALYZERS,
    Analyzer,
    AnalyzerError,
    get_analyzer,
    suggest_analyzer,
)
from embedlab.text.tokenizer import DEFAULT_FILTERS, Tokenizer, pad_sequences, text_to_word_sequence

__all__ = [
    "ANALYZERS",
    "DEFAULT_FILTERS",
    "Analyzer",
    "AnalyzerError",
    "Tokenizer",
    "get_analyzer",
    "pad_sequences",
    "suggest_analyzer",
    "text_to_word_sequence",
]
