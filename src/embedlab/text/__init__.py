"""Text to ids: the tokenizer and sequence padding.

- `embedlab.text.tokenizer`: `Tokenizer` (fit, ``word_index``, ``num_words``,
  ``oov_token``, texts to sequences and back, JSON save/load, equal to the
  legacy Keras `Tokenizer`), `text_to_word_sequence` and `pad_sequences`.

Every public name is importable from `embedlab.text`.
"""

from embedlab.text.tokenizer import DEFAULT_FILTERS, Tokenizer, pad_sequences, text_to_word_sequence

__all__ = ["DEFAULT_FILTERS", "Tokenizer", "pad_sequences", "text_to_word_sequence"]
