"""Model specifications: the immutable :class:`ModelSpec` and the ways to build one.

- :func:`load_spec` takes a spec, a YAML or lavaan-text file, or text;
- :func:`parse_syntax` / :func:`to_syntax` read and write lavaan-style text;
- :func:`read_yaml` / :func:`write_yaml` / :func:`spec_to_yaml` handle YAML;
- :func:`reflective`, :func:`composite`, :func:`path`, :func:`paths`, :func:`interaction`, :func:`model` build in Python.
"""

from acsi.spec.builders import composite, higher_order, interaction, model, path, paths, reflective
from acsi.spec.lavaan import parse_syntax, to_syntax
from acsi.spec.load import load_spec
from acsi.spec.model import (
    Construct,
    Covariance,
    DerivedIndicator,
    FixedValue,
    HigherOrder,
    Interaction,
    Mode,
    ModelSpec,
    Path,
    Scale,
)
from acsi.spec.yaml_io import read_yaml, spec_from_dict, spec_to_dict, spec_to_yaml, write_yaml

__all__ = [
    "Construct",
    "Covariance",
    "DerivedIndicator",
    "FixedValue",
    "HigherOrder",
    "Interaction",
    "Mode",
    "ModelSpec",
    "Path",
    "Scale",
    "composite",
    "higher_order",
    "interaction",
    "load_spec",
    "model",
    "parse_syntax",
    "path",
    "paths",
    "read_yaml",
    "reflective",
    "spec_from_dict",
    "spec_to_dict",
    "spec_to_yaml",
    "to_syntax",
    "write_yaml",
]
