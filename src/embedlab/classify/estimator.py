"""The config contract and scikit-learn estimator API, shared by embedlab's estimators.

An estimator's constructor arguments are its config: `get_params` (and
`get_config`, JSON-ready) return them all, as given; `set_params` and
`from_config` take them back (``cls(**config)``, as Keras). The argument
names come from the constructor's signature, so a new argument needs no
entry here; an argument kept under another attribute name is listed in
``_param_attributes``.

scikit-learn stays optional: it is imported only inside
`EstimatorMixin.__sklearn_tags__`, which scikit-learn >= 1.6 calls to learn
that the estimator is a classifier of 1-d sequences of strings (older
versions read ``_estimator_type``). With these, `sklearn.base.clone`,
`cross_val_score`, `GridSearchCV` and `Pipeline` take the estimator without it
subclassing `sklearn.base.BaseEstimator`.
"""

from __future__ import annotations

import inspect
import os
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from typing_extensions import Self


class EstimatorMixin:
    """`get_params`/`set_params`/`get_config`/`from_config` from the constructor's signature."""

    # constructor argument -> attribute, where they differ
    _param_attributes: ClassVar[dict[str, str]] = {}
    _estimator_type = "classifier"  # scikit-learn < 1.6 reads this

    @classmethod
    def _param_names(cls) -> list[str]:
        """The constructor's arguments, in order (the config's keys)."""
        return [name for name in inspect.signature(cls.__init__).parameters if name != "self"]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments, as given (scikit-learn's estimator API).

        Args:
            deep: bool. Accepted for scikit-learn; there are no sub-estimators.
        """
        return {
            name: getattr(self, self._param_attributes.get(name, name))
            for name in self._param_names()
        }

    def set_params(self, **params: Any) -> Self:
        """Set constructor arguments, checked as the constructor checks them.

        The fitted state is kept until the next `fit` (scikit-learn's estimator API).

        Raises:
            ValueError: for a name that is not a constructor argument.
            EmbedlabError: for a value the constructor refuses (nothing is set).
        """
        valid = self._param_names()
        unknown = sorted(set(params) - set(valid))
        if unknown:
            raise ValueError(
                f"Invalid parameter {unknown[0]!r} for estimator {type(self).__name__}. "
                f"Valid parameters are: {valid!r}."
            )
        type(self)(**{**self.get_params(), **params})  # the constructor's checks
        for name, value in params.items():
            setattr(self, self._param_attributes.get(name, name), value)
        return self

    def get_config(self) -> dict[str, Any]:
        """Every constructor argument, JSON-ready (paths as str): ``from_config`` rebuilds."""
        return {
            name: os.fspath(value) if isinstance(value, os.PathLike) else value
            for name, value in self.get_params().items()
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Self:
        """A new, unfitted estimator of constructor arguments `config`: ``cls(**config)``."""
        return cls(**config)

    def __sklearn_tags__(self) -> Any:
        """scikit-learn (>= 1.6) tags: a classifier of 1-d sequences of strings.

        scikit-learn is imported here only, so ``import embedlab`` never loads it.
        """
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(multi_label=True),
            input_tags=InputTags(one_d_array=True, two_d_array=False, string=True),
            non_deterministic=True,  # the same seed repeats on a CPU only
        )
