"""`TextClassifier`: tokenizer + embedding matrix + Keras model + labels as one object."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from embedlab._keras import import_keras
from embedlab.classify import saving
from embedlab.classify.checks import (
    check_dev_split,
    check_fit_arguments,
    check_lengths,
    check_numbers,
    check_options,
    check_texts,
    check_training_data,
)
from embedlab.classify.ensemble import EnsembleConfig, fit_ensemble
from embedlab.classify.estimator import EstimatorMixin
from embedlab.classify.labels import (
    DEFAULT_THRESHOLD,
    classes_of,
    labels_of,
    normalise_labels,
    resolve_threshold,
    targets,
)
from embedlab.classify.matrix import (
    STATIC_PRETRAINED_VOCAB,
    Coverage,
    build_embedding_matrix,
    resolve_vectors,
    vectors_dim,
)
from embedlab.classify.metrics import classification_report, multilabel_report
from embedlab.classify.training import (
    ClassWeight,
    compile_model,
    dev_split,
    divergence_hints,
    sample_weights,
    train_model,
)
from embedlab.data import Label
from embedlab.errors import DataError, EmbedlabError, ModelConfigError, SavedFileError
from embedlab.models.ngrams import char_ngram_table
from embedlab.models.registry import (
    MODEL_OPTIONS,
    PRETRAINED_MODES,
    ModelConfig,
    adapt_model,
    build_model,
    min_sequence_length,
    model_defaults,
    model_learning_rate,
)
from embedlab.text.analyzers import suggest_analyzer
from embedlab.text.tokenizer import Tokenizer, pad_sequences

if TYPE_CHECKING:
    from embedlab.vectors import Vectors

logger = logging.getLogger("embedlab")

MAXLEN_PERCENTILE = 99
DEFAULT_EMBEDDING_DIM = 100
DEFAULT_EPOCHS = 10


class TextClassifier(EstimatorMixin):
    """A text classifier on word embeddings.

    Args:
        model: str or None. A registered architecture: ``flatten``,
            ``average``, ``lstm``, ``gru``, ``bilstm``, ``bigru``, ``cnn``,
            ``ngrams``, ``wide``, ... None (the default) trains the
            recommended configuration, chosen from the training data by
            `embedlab.classify.recipe.plan` (an ensemble of several models
            combined into one, see `embedlab.classify.ensemble`); the recipe
            then decides the model's arguments (`RECIPE_DECIDES`), and
            `vectors`, when given, replace its pretrained vectors.
        mode: str. ``rand`` (embeddings learned with the task), ``static``
            (pretrained, frozen), ``nonstatic`` (pretrained, fine-tuned) or
            ``multichannel`` (both).
        vectors: Vectors, str or None. Pretrained vectors, or a name/path
            for `embedlab.load_vectors` (loaded restricted to the training
            vocabulary). Required by the pretrained modes.
        download_vectors: bool. Download `vectors` given by a catalogue name if
            it is not in the cache yet (otherwise the error says how to).
        embedding_dim: int or None. Embedding size for ``rand``; defaults to
            the vectors' dim if given, else 100.
        embedding_scale: float or None. ``rand`` only: start the embeddings
            from ``U[-embedding_scale, embedding_scale]`` (Kim 2014: 0.25);
            None keeps Keras' default ``U[-0.05, 0.05]``.
        projection: int or None. Units of a learned token-wise ReLU layer
            between the embedding and the model body (0: none). None gives
            mode ``static`` `STATIC_PROJECTION` (300: frozen vectors cannot
            move toward the task, the layer can) and the other modes 0;
            ``flatten`` (the seeds' model), ``ngrams`` and ``cnn_ngrams``
            keep 0.
        maxlen: int or None. Padded sequence length; default covers 99% of
            the training texts.
        num_words: int or None. Keep only the ``num_words - 1`` most frequent
            words (the legacy Keras `Tokenizer` meaning).
        lower: bool. Lower-case texts before tokenizing.
        oov_token: str or None. Token for words unseen in training.
        oov_init: str. ``random`` (Kim's ``U[-a, a]``) or ``zeros`` for words
            the vectors lack.
        pretrained_vocab: int or None. In the pretrained modes, also give ids
            to up to this many of the vectors' first (most frequent) words
            that the training texts lack, so test words never seen in
            training still get their pretrained vector. 0 keeps the training
            vocabulary only. None gives mode ``static`` (whose rows no
            training moves) `STATIC_PRETRAINED_VOCAB` (100,000) unless
            `num_words` caps the vocabulary, and the other modes 0.
        units: int or None. Recurrent units (None: 100); for ``wide`` and
            ``wide_average`` the width of the n-gram table (None: 1 for two
            classes with one label each, else one per class and at least 8).
        layers: int. Stacked recurrent layers.
        dropout: float or None. Dropout before the output; the model's default
            when None (0.5; 0 for ``flatten`` as in the seeds, and for
            ``average``, ``ngrams`` and the ``wide`` models).
        max_norm: float or None. Max-norm of the output weights; the model's
            default when None (3 for ``cnn`` as Kim).
        optimizer: str. ``adam``, ``adadelta``, ``rmsprop`` or ``sgd``.
        learning_rate: float or None. The model's default for Adam when
            None (3e-3 for ``average``, 0.01 for ``wide``), else the
            optimizer's (1e-3 for Adam, 1.0 for Adadelta as Kim).
        batch_size: int. Mini-batch size (Kim: 50).
        seed: int. Seed of weights, noise rows, shuffling and the dev split:
            the same seed gives the same metrics and predictions on a CPU.
        multi_label: bool or None. Several labels per text: one sigmoid per
            label and binary cross-entropy; `predict` returns each text's
            list of labels whose probability reaches `threshold`. None (the
            default) decides at `fit`: multi-label when the labels are lists.
        threshold: float. Probability from which a label is predicted, in
            multi-label mode.
        ngram_buckets: int or None. Rows of the hashed word n-gram table of
            the models that declare this option (``ngrams``, ``cnn_ngrams``,
            ``wide``, ...; default 200,000).
        ngrams: int or None. Their longest n-gram (default 2: bigrams).
        naive_bayes: bool. For the models that declare it (``wide`` and
            ``wide_average``), one label per text: scale each hashed n-gram by
            its naive-Bayes log-count ratio in the training texts, as NBSVM
            (Wang & Manning 2012); with more than two classes each class's
            column by that class's ratio against the others.
        edge_padding: bool or None. For the models that declare it (``cnn``
            and ``cnn_ngrams``): Kim (2014)'s padding, ``max(filter_sizes) - 1``
            zero vectors at both ends of each sequence before the
            convolutions, so the first word is in as many windows as the
            others. False convolves the post-padded ids as they are. None
            takes the model's default (on for ``cnn``, off for ``cnn_ngrams``).
        num_filters: int or None. For the models that declare it (``cnn``
            and ``cnn_ngrams``): feature maps per window size; None keeps
            Kim's 100.
        analyzer: str or None. How texts become words (`embedlab.text.analyzers`):
            ``whitespace``, ``kiwi`` (Korean morphemes), ``subword``, with
            options (``kiwi:pos``). None decides at `fit`: ``kiwi`` when most
            training texts are Hangul, else ``whitespace`` (the choice is logged).
        char_ngrams: (int, int) or None. The n-gram models only: also hash
            each word's character n-grams of these lengths (fastText's
            subwords) into their n-gram table, e.g. ``(2, 4)``.

    The constructor arguments are the classifier's config: `get_params` and
    `get_config` return them all, as given (`fit` never changes them; what it
    decides, such as `multi_label` when None, is in ``self.config``, the
    fitted `ModelConfig`), `from_config` and `set_params` take them back, and
    `save`/`load` keep them. Which options a model takes is declared by the
    model in `embedlab.models.registry`. The class follows scikit-learn's
    estimator API (`get_params`, `set_params`, `classes_`, `fit` returning
    self, `score`), so `sklearn.base.clone`, `cross_val_score`,
    `GridSearchCV` and `Pipeline` take it; scikit-learn stays optional.

    Fitted attributes: ``labels``, ``tokenizer``, ``config``, ``keras_model``,
    ``coverage``, ``history``, ``best_epoch``, ``validation_indices``, and
    ``data_info``: a JSON-ready dict of metadata about the data the labels
    were read from (e.g. the label separator), set by whoever read the data,
    left as is by `fit`, saved and restored with the classifier.

    Example:
        >>> clf = TextClassifier("cnn", mode="static", vectors="glove-6B-50d")
        >>> clf.fit(train_texts, train_labels, epochs=5)
        >>> clf.predict(["a gripping, beautifully acted film"])
        ['pos']
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        mode: str = "rand",
        vectors: Vectors | str | os.PathLike[str] | None = None,
        download_vectors: bool = False,
        embedding_dim: int | None = None,
        embedding_scale: float | None = None,
        projection: int | None = None,
        maxlen: int | None = None,
        num_words: int | None = None,
        lower: bool = True,
        oov_token: str | None = None,
        oov_init: str = "random",
        pretrained_vocab: int | None = None,
        units: int | None = None,
        layers: int = 1,
        dropout: float | None = None,
        max_norm: float | None = None,
        optimizer: str = "adam",
        learning_rate: float | None = None,
        batch_size: int = 50,
        seed: int = 0,
        multi_label: bool | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        ngram_buckets: int | None = None,
        ngrams: int | None = None,
        naive_bayes: bool = False,
        edge_padding: bool | None = None,
        num_filters: int | None = None,
        analyzer: str | None = None,
        char_ngrams: tuple[int, int] | None = None,
    ) -> None:
        char_ngrams = check_options(locals(), constructor=TextClassifier.__init__)
        self.model_name = model
        self.mode = mode
        self.vectors = vectors
        self.download_vectors = download_vectors
        self.embedding_dim = embedding_dim
        self.embedding_scale = embedding_scale
        self.projection = projection
        self.maxlen = maxlen
        self.num_words = num_words
        self.lower = lower
        self.oov_token = oov_token
        self.oov_init = oov_init
        self.pretrained_vocab = pretrained_vocab
        self.units = units
        self.layers = layers
        self.dropout = dropout
        self.max_norm = max_norm
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.seed = seed
        self.multi_label = multi_label
        self.threshold = threshold

        self.ngram_buckets = ngram_buckets
        self.ngrams = ngrams
        self.naive_bayes = naive_bayes
        self.edge_padding = edge_padding
        self.num_filters = num_filters
        self.analyzer = analyzer
        self.char_ngrams = char_ngrams

        # fitted state (set by fit and load, saved by save)
        self.tokenizer: Tokenizer | None = None
        self.labels: list[str] = []
        self.config: ModelConfig | EnsembleConfig | None = None
        self.data_info: dict[str, Any] = {}
        self.keras_model: Any = None
        self.coverage: Coverage | None = None
        self.vectors_name: str | None = None
        self.history: dict[str, list[float]] = {}
        self.metrics: dict[str, Any] | None = None
        self.best_epoch: int | None = None
        self.validation_indices: np.ndarray | None = None
        self.pretrained_matrix: np.ndarray | None = None  # nonstatic: rows before fine-tuning

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Any],
        *,
        epochs: int | None = None,
        validation_data: tuple[Sequence[str], Sequence[Any]] | None = None,
        validation_split: float | None = None,
        patience: int | None = None,
        monitor: str = "val_loss",
        class_weight: ClassWeight = None,
        verbose: int | str = "auto",
    ) -> TextClassifier:
        """Fit the tokenizer, build the embedding matrix and model, and train.

        The steps, each a method below or a function it calls: check the
        data and decide the labels (`embedlab.classify.checks.check_training_data`),
        hold out dev texts (`_hold_out_dev`), fit the tokenizer
        (`_fit_tokenizer`), build the embedding matrix (`_embedding_matrix`),
        build and compile the model (`_model_config`, `build_model`,
        `embedlab.classify.training.compile_model`), run the model's declared
        fit-time step (`embedlab.models.registry.adapt_model`), train and
        record the history (`embedlab.classify.training.train_model`); the
        steps after the tokenizer are `_fit_model`,
        which also fits each member of an ensemble on the ensemble's
        tokenizer. With ``model=None`` the recipe's ensemble is trained
        instead (`embedlab.classify.ensemble.fit_ensemble`; it holds out
        `validation_split` 0.1 when no dev data is given). The constructor
        arguments are left as given.

        Args:
            texts: list of str. Training texts.
            labels: list. Their labels (any type; kept as str), or for
                multi-label data a list of labels per text.
            epochs: int or None. Passes over the training data (at most, with
                `patience`); None: 10, or for the recipe each member's own.
            validation_data: (texts, labels) or None. Scored after each epoch.
            validation_split: float or None. Without `validation_data`, hold
                out this fraction of `texts` as dev data, stratified and
                seeded by `seed`; the tokenizer and the model see only the
                rest. ``self.validation_indices`` gives the dev positions.
            patience: int or None. Stop after this many epochs without a
                better `monitor` and restore the best epoch's weights
                (``self.best_epoch``, 0-based). Needs `validation_data` or
                `validation_split`.
            monitor: str. What `patience` watches: ``"val_loss"`` (the
                default, lower is better) or ``"val_accuracy"`` (higher is
                better, as Kim 2014; on a tie the earlier epoch is kept).
            class_weight: ``"balanced"`` (scikit-learn's ``n / (k * count)``),
                a dict label -> weight (others weigh 1), or None. Single-label
                only.
            verbose: int or "auto". Keras' progress display.

        Returns:
            self, trained. ``self.history`` holds the per-epoch figures.

        Raises:
            DataError: for mismatched lengths, fewer than two classes or no text.
            ModelConfigError: for contradictory or invalid training options.
        """
        keras = import_keras()
        check_numbers(epochs=epochs, validation_split=validation_split, patience=patience)
        texts, y_labels, multi = check_training_data(texts, labels, multi_label=self.multi_label)
        check_fit_arguments(
            epochs=epochs,
            validation_data=validation_data,
            validation_split=validation_split,
            patience=patience,
            monitor=monitor,
            class_weight=class_weight,
            multi_label=multi,
            threshold=self.threshold,
            default_threshold=DEFAULT_THRESHOLD,
        )
        self.labels = classes_of(y_labels, multi_label=multi)
        keras.utils.set_random_seed(self.seed)
        if self.model_name is None:
            fit_ensemble(
                self,
                texts,
                y_labels,
                multi=multi,
                epochs=epochs,
                validation_data=validation_data,
                validation_split=validation_split,
                patience=patience,
                monitor=monitor,
                class_weight=class_weight,
                verbose=verbose,
            )
            return self
        self._check_vectors_given()
        texts, y_labels, validation_data = self._hold_out_dev(
            texts, y_labels, validation_data, validation_split
        )
        check_dev_split(
            patience=patience,
            n_train=len(texts),
            n_dev=0 if validation_data is None else len(validation_data[0]),
        )
        self._fit_model(
            texts,
            y_labels,
            tokenizer=self._fit_tokenizer(texts),
            sequence_length=self.maxlen,
            multi=multi,
            validation_data=validation_data,
            epochs=DEFAULT_EPOCHS if epochs is None else epochs,
            patience=patience,
            monitor=monitor,
            class_weight=class_weight,
            verbose=verbose,
        )
        return self

    def _fit_model(
        self,
        texts: list[str],
        y_labels: list[Label],
        *,
        tokenizer: Tokenizer,
        sequence_length: int | None,
        multi: bool,
        validation_data: tuple[Sequence[str], Sequence[Any]] | None,
        epochs: int,
        patience: int | None,
        monitor: str,
        class_weight: ClassWeight,
        verbose: int | str,
    ) -> None:
        """Fit's steps after the tokenizer: embedding matrix, model, fit-time step, training.

        `fit` calls it with the tokenizer it fitted; an ensemble calls it for
        each member with the tokenizer and `sequence_length` they share
        (``self.labels`` already set, the seed already set).

        Args:
            texts: list of str. The training texts (dev texts held out).
            y_labels: list. Their labels as str (lists of str, multi-label).
            tokenizer: Tokenizer. Fitted on `texts`.
            sequence_length: int or None. The padded length; None covers
                `MAXLEN_PERCENTILE` % of `texts`.
            multi: bool. Multi-label.
            validation_data: (texts, labels) or None. The dev data.
            epochs, patience, monitor, class_weight, verbose: as `fit`'s.
        """
        self.tokenizer = tokenizer
        sequences = tokenizer.texts_to_sequences(texts)
        matrix, dim = self._embedding_matrix(tokenizer)
        char_table = self._char_table(tokenizer)
        self.config = self._model_config(
            vocab_size=tokenizer.vocab_size,
            embedding_dim=dim,
            sequence_length=sequence_length or self._default_maxlen(sequences),
            n_classes=len(self.labels),
            multi_label=multi,
            char_ngram_width=0 if char_table is None else char_table.shape[1],
        )
        self.keras_model = build_model(self.config, matrix)
        if char_table is not None:  # the words' character n-gram buckets, kept in the model
            layer = next(
                layer
                for layer in self.keras_model.layers
                if getattr(layer, "char_table", None) is not None
            )
            layer.char_table.assign(char_table)
        self.pretrained_matrix = matrix if self.mode == "nonstatic" else None  # for `inspect`
        compile_model(
            self.keras_model,
            optimizer=self.optimizer,
            learning_rate=model_learning_rate(self.config.model, self.optimizer)
            if self.learning_rate is None
            else self.learning_rate,
            n_classes=self.config.n_classes,
            multi_label=self.config.multi_label,
        )

        x = self._pad(sequences)
        y = self._targets(y_labels)
        adapt_model(self.keras_model, self.config, x, y)  # the model's fit-time step, if any
        validation = None
        if validation_data is not None:
            val_texts, val_labels = validation_data
            validation = (
                self._encode(check_texts(val_texts, "validation texts")),
                self._targets(normalise_labels(val_labels, multi_label=multi)),
            )
        self.history, self.best_epoch = train_model(
            self.keras_model,
            x,
            y,
            sample_weight=sample_weights(class_weight, self.labels, y_labels, y),
            validation=validation,
            epochs=epochs,
            batch_size=self.batch_size,
            patience=patience,
            monitor=monitor,
            hints=divergence_hints(self.config),
            verbose=verbose,
        )

    # --------------------------------------------------------- fit's steps
    def _check_vectors_given(self) -> None:
        if self.mode in PRETRAINED_MODES and self.vectors is None:
            raise ModelConfigError(
                f"Mode {self.mode!r} needs pretrained vectors: pass `vectors` "
                "(a name or a path), or use mode 'rand'."
            )

    def _hold_out_dev(
        self,
        texts: list[str],
        y_labels: list[Label],
        validation_data: tuple[Sequence[str], Sequence[Any]] | None,
        validation_split: float | None,
    ) -> tuple[list[str], list[Label], tuple[Sequence[str], Sequence[Any]] | None]:
        """With `validation_split`, split off the dev texts (``self.validation_indices``)."""
        self.validation_indices = None
        if validation_split is None:
            return texts, y_labels, validation_data
        train_idx, dev_idx = dev_split(texts, y_labels, fraction=validation_split, seed=self.seed)
        self.validation_indices = dev_idx
        dev = ([texts[i] for i in dev_idx], [y_labels[i] for i in dev_idx])
        return [texts[i] for i in train_idx], [y_labels[i] for i in train_idx], dev

    def _fit_tokenizer(self, texts: list[str]) -> Tokenizer:
        analyzer = self.analyzer
        if analyzer is None:
            analyzer, reason = suggest_analyzer(texts)
            logger.info("analyzer: %s (%s)", analyzer, reason)
        tokenizer = Tokenizer(
            self.num_words, lower=self.lower, oov_token=self.oov_token, analyzer=analyzer
        )
        tokenizer.fit_on_texts(texts)
        if len(tokenizer.word_index) == 0:
            raise DataError("The training texts hold no words after tokenizing.")
        return tokenizer

    def _embedding_matrix(self, tokenizer: Tokenizer) -> tuple[np.ndarray | None, int]:
        """The pretrained matrix (None for ``rand``) and the embedding size.

        In the pretrained modes this also extends `tokenizer` by
        `pretrained_vocab` words and records ``self.coverage``.
        """
        if self.vectors is not None and self.mode in PRETRAINED_MODES:
            from embedlab.vectors import Vectors

            if isinstance(self.vectors, Vectors):
                self.vectors_name = self.vectors_name or "in-memory"
            else:
                self.vectors_name = str(self.vectors)
            vectors = resolve_vectors(
                self.vectors,
                tokenizer,
                pretrained_vocab=self._pretrained_vocab(),
                download=self.download_vectors,
            )
            matrix, self.coverage = build_embedding_matrix(
                tokenizer,
                vectors,
                oov=self.oov_init,  # type: ignore[arg-type]
                seed=self.seed,
            )
            logger.info("coverage of %s:", self.vectors_name)
            for line in self.coverage.lines():
                logger.info("  %s", line)
            return matrix, vectors.dim
        if self.embedding_dim is not None:
            return None, self.embedding_dim
        if self.vectors is not None:
            return None, self._vectors_dim()  # rand: learn embeddings of the vectors' size
        return None, DEFAULT_EMBEDDING_DIM

    def _pretrained_vocab(self) -> int:
        """`pretrained_vocab`, or its mode's default when None."""
        if self.pretrained_vocab is not None:
            return self.pretrained_vocab
        static = self.mode == "static" and self.num_words is None
        return STATIC_PRETRAINED_VOCAB if static else 0

    def _char_table(self, tokenizer: Tokenizer) -> np.ndarray | None:
        """Each word id's hashed character n-gram buckets, or None without `char_ngrams`."""
        if self.char_ngrams is None:
            return None
        assert self.model_name is not None  # an ensemble's members are single models
        buckets = self.ngram_buckets or model_defaults(self.model_name).get(
            "ngram_buckets", ModelConfig.ngram_buckets
        )
        return char_ngram_table(tokenizer.vocabulary(), buckets, self.char_ngrams)

    def _model_config(self, **fitted: Any) -> ModelConfig:
        """The `ModelConfig` of the constructor arguments and the fitted sizes."""
        return ModelConfig.with_defaults(
            model=self.model_name,
            mode=self.mode,
            embedding_scale=self.embedding_scale,
            projection=self.projection,
            units=self.units,
            layers=self.layers,
            dropout=self.dropout,
            max_norm=self.max_norm,
            **{name: getattr(self, name) for name in MODEL_OPTIONS},
            **fitted,
        )

    def _default_maxlen(self, sequences: list[list[int]]) -> int:
        lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
        maxlen = max(1, int(np.ceil(np.percentile(lengths, MAXLEN_PERCENTILE))))
        if self.model_name is None:
            return maxlen  # the recipe raises it to its members' shortest
        return max(maxlen, min_sequence_length(self.model_name))

    def _vectors_dim(self) -> int:
        assert self.vectors is not None
        return vectors_dim(self.vectors, download=self.download_vectors)

    # ----------------------------------------------------------- inference
    def _require_fitted(self) -> None:
        if self.keras_model is None or self.tokenizer is None or self.config is None:
            raise EmbedlabError("This TextClassifier is not trained yet: call fit() or load().")

    @property
    def _fitted_multi_label(self) -> bool:
        """Whether the fitted model is multi-label (`multi_label` None decides at fit)."""
        return bool(self.config is not None and self.config.multi_label)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        assert self.tokenizer is not None
        return self._pad(self.tokenizer.texts_to_sequences(texts))

    def _pad(self, sequences: list[list[int]]) -> np.ndarray:
        assert self.config is not None
        return pad_sequences(
            sequences, maxlen=self.config.sequence_length, padding="post", truncating="post"
        )

    def _targets(self, labels: Sequence[Label]) -> np.ndarray:
        return targets(labels, self.labels, multi_label=self._fitted_multi_label)

    def predict_proba(self, texts: Sequence[str], *, batch_size: int = 256) -> np.ndarray:
        """Probabilities ``(len(texts), len(self.labels))``, columns in `labels` order.

        Single-label rows sum to 1; multi-label columns are independent
        per-label probabilities.
        """
        self._require_fitted()
        texts = check_texts(texts)
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        out = np.asarray(
            self.keras_model.predict(self._encode(texts), batch_size=batch_size, verbose=0),
            dtype=np.float32,
        )
        if out.shape[1] == 1:
            out = np.concatenate([1.0 - out, out], axis=1)
        return out

    def predict(
        self, texts: Sequence[str], *, batch_size: int = 256, threshold: float | None = None
    ) -> list[Label]:
        """The most probable label of each text; in multi-label mode, its list of labels.

        Args:
            texts: list of str. Texts to classify.
            batch_size: int. Texts per forward pass.
            threshold: float or None. Multi-label only: the probability from
                which a label is predicted; None uses ``self.threshold``.

        Returns:
            One str per text, or (multi-label) one list of labels per text,
            in `labels` order, possibly empty.
        """
        proba = self.predict_proba(texts, batch_size=batch_size)
        return self.labels_of(proba, threshold=threshold)

    def labels_of(self, proba: np.ndarray, *, threshold: float | None = None) -> list[Label]:
        """The labels `predict` gives for probabilities from `predict_proba`."""
        return labels_of(
            proba,
            self.labels,
            multi_label=self._fitted_multi_label,
            threshold=self._threshold(threshold),
        )

    def _threshold(self, threshold: float | None) -> float:
        return resolve_threshold(
            threshold, default=self.threshold, multi_label=self._fitted_multi_label
        )

    def evaluate(
        self,
        texts: Sequence[str],
        labels: Sequence[Any],
        *,
        batch_size: int = 256,
        threshold: float | None = None,
    ) -> dict[str, Any]:
        """Metrics on labelled texts.

        Single-label: accuracy, macro F1, per-class figures and the confusion
        matrix. Multi-label (labels are lists; a str counts as a list of one):
        subset accuracy (as ``accuracy``), micro and macro F1, per-label
        precision/recall/F1 and Hamming loss, deciding at `threshold` (see
        `embedlab.classify.metrics.multilabel_report`).

        Returns:
            A JSON-ready dict with at least ``accuracy`` (a fraction) and ``n_test``.
        """
        self._require_fitted()
        check_lengths(texts, labels)
        multi = self._fitted_multi_label
        if not multi and any(isinstance(label, list | tuple) for label in labels):
            raise DataError(
                "The labels are lists (multi-label data), but this classifier was trained "
                "with one label per text."
            )
        cut = self._threshold(threshold)
        y_true = self._targets(normalise_labels(labels, multi_label=multi))
        proba = self.predict_proba(texts, batch_size=batch_size)
        if self._fitted_multi_label:
            report = multilabel_report(y_true.astype(bool), proba >= cut, self.labels)
            report["threshold"] = cut
            return report
        return classification_report(y_true, proba.argmax(axis=1), self.labels)

    # ------------------------------------------------------------ save/load
    def save(self, directory: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Save to a directory (see `embedlab.classify.saving`), atomically.

        Loading it back needs no vector file: the embedding weights are in
        ``model.keras``.
        """
        self._require_fitted()
        assert self.config is not None
        saved = saving.SavedClassifier(
            directory=Path(directory),
            params=self.get_config(),
            labels=self.labels,
            model=self.config.to_dict(),
            vectors=self.vectors_name,
            coverage=None if self.coverage is None else self.coverage.to_dict(),
            data_info=self.data_info,
            keras_backend=import_keras().backend.backend(),
            ensemble=(
                self.config.ensemble_dict() if isinstance(self.config, EnsembleConfig) else None
            ),
        )
        return saving.save_classifier(
            directory,
            saved,
            tokenizer=self.tokenizer,
            keras_model=self.keras_model,
            history=self.history,
            metrics=self.metrics,
            pretrained=self.pretrained_matrix,
            overwrite=overwrite,
        )

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> TextClassifier:
        """Load a classifier saved by `save` (no vector file needed).

        The constructor arguments come back as saved (`get_params`), so
        refitting the loaded classifier trains the same model; in-memory
        vectors are not saved (`vectors` is None: pass them again with
        `set_params` to refit in a pretrained mode).

        Raises:
            EmbedlabError: if `directory` is not a saved embedlab classifier
                or was saved in a format version this code does not read.
        """
        saved = saving.read_config(directory)
        try:
            clf = cls.from_config(saved.params)
        except (TypeError, ValueError) as e:
            raise SavedFileError(
                f"{saved.directory / saving.CONFIG_FILE}: its `params` do not make a "
                f"classifier ({e}). Re-train it, or restore the file."
            ) from None
        clf.config = saved.model_config()
        clf.labels = list(saved.labels)
        clf.vectors_name = saved.vectors
        clf.coverage = Coverage.from_dict(saved.coverage) if saved.coverage else None
        clf.data_info = dict(saved.data_info)
        clf.tokenizer = saved.load_tokenizer()
        clf.keras_model = saved.load_keras_model()
        clf.metrics = saved.metrics()
        clf.history = saved.history() or {}
        clf.pretrained_matrix = saved.load_pretrained()
        return clf

    # ------------------------------------------------ config and scikit-learn
    # get_params, set_params, from_config, _param_names and the scikit-learn
    # tags come from EstimatorMixin (embedlab.classify.estimator)
    _param_attributes: ClassVar[dict[str, str]] = {"model": "model_name"}

    def get_config(self) -> dict[str, Any]:
        """Every constructor argument, JSON-ready: ``cls.from_config(get_config())`` rebuilds.

        As Keras' ``get_config``. `vectors` given as a path becomes a str;
        given as an in-memory `Vectors` it becomes None (the trained
        weights are in the saved model; refitting needs them passed again).
        """
        config = super().get_config()
        if not isinstance(config["vectors"], str | None):
            config["vectors"] = None
        return config

    def __sklearn_is_fitted__(self) -> bool:
        return self.keras_model is not None and self.config is not None

    @property
    def classes_(self) -> np.ndarray:
        """The fitted labels as an array (scikit-learn's name for `labels`)."""
        if not self.labels:
            raise AttributeError("This TextClassifier is not trained yet: it has no classes_.")
        return np.asarray(self.labels)

    def score(
        self,
        texts: Sequence[str],
        labels: Sequence[Any],
        sample_weight: Sequence[float] | None = None,
    ) -> float:
        """Accuracy of `predict` on labelled texts (subset accuracy when multi-label).

        The scikit-learn classifier `score`; labels compare as str (as `fit`
        keeps them).
        """
        self._require_fitted()
        check_lengths(texts, labels)
        truth = normalise_labels(labels, multi_label=self._fitted_multi_label)
        predicted = self.predict(texts)
        if self._fitted_multi_label:
            hits = [set(t) == set(p) for t, p in zip(truth, predicted, strict=True)]
        else:
            hits = [t == p for t, p in zip(truth, predicted, strict=True)]
        return float(np.average(np.asarray(hits, dtype=np.float64), weights=sample_weight))
