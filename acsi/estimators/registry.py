"""The one registry of estimation methods: name -> estimator class and the options of :func:`acsi.fit` it uses.

Plain data (no numeric import), so that :func:`acsi.fit`, the simulation study, the method
comparison and the command line's ``choices=`` (mirrored in :mod:`acsi.cli.options`) all
read the same list. The class is imported only when :meth:`Method.load` is called.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass

from acsi.errors import ParameterError, shorten
from acsi.validate import check_choice


@dataclass(frozen=True)
class Method:
    """One estimation method.

    Attributes
    ----------
    name : str
        The name users pass (``method="pls"``, ``--method pls``).
    target : str
        ``"module:Class"`` of the estimator (an :class:`~acsi.estimators.base.EstimatorBase`).
    options : tuple of str
        The options of :func:`acsi.fit` this method uses; any other given option is refused.
    """

    name: str
    target: str
    options: tuple[str, ...]

    def load(self) -> type:
        """The estimator class (imports its module)."""
        module, _, attribute = self.target.partition(":")
        cls: type = getattr(importlib.import_module(module), attribute)
        return cls


#: Every method, in the order of documentation and of the command line's choices.
REGISTRY: dict[str, Method] = {
    entry.name: entry
    for entry in (
        Method("pls", "acsi.estimators.pls:PLSPM", ("scheme", "raw", "tol", "max_iter", "index_weights", "ordinal")),
        Method("plsc", "acsi.estimators.plsc:PLSc", ("scheme", "tol", "max_iter", "index_weights", "ordinal")),
        Method("cbsem", "acsi.estimators.cbsem:CBSEM", ("objective", "std_lv", "index_weights", "ordinal")),
        Method("gsca", "acsi.estimators.gsca:GSCA", ("tol", "max_iter", "index_weights")),
        Method("sumscore", "acsi.estimators.sumscore:SumScore", ("index_weights",)),
    )
}

#: The method names, in registry order.
METHODS: tuple[str, ...] = tuple(REGISTRY)


def users_of(option: str) -> tuple[str, ...]:
    """The methods that use ``option`` (for messages refusing it elsewhere)."""
    return tuple(name for name, entry in REGISTRY.items() if option in entry.options)


def check_options_used_by(method: str, given: Mapping[str, object]) -> None:
    """Refuse an option given (not None) that ``method`` does not use, saying which methods use it.

    ``method`` must be a registered method.
    """
    check_choice("method", method, METHODS)
    for option, value in given.items():
        if value is not None and option not in REGISTRY[method].options:
            users = users_of(option)
            raise ParameterError(
                f"method={method!r} does not use {option}={shorten(value)}; {option} is used by "
                f"method {' or '.join(repr(u) for u in users)}. Leave it out or choose one of those methods."
            )
