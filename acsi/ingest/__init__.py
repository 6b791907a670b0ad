"""Ingest: survey files (CSV/TSV, Excel, SPSS, Parquet) and declarative mappings to indicators.

>>> from acsi.ingest import read_survey, load_mapping, apply_mapping   # doctest: +SKIP
>>> survey = apply_mapping(read_survey("wave1.sav"), load_mapping("wave1.yaml"))  # doctest: +SKIP
>>> data = acsi.prepare(spec, survey, missing="em")                    # doctest: +SKIP
"""

from acsi.ingest.mapping import IndicatorRule, SurveyMapping, apply_mapping, load_mapping, mapping_from_dict
from acsi.ingest.survey import Survey, SurveyMetadata, read_survey, write_survey

__all__ = [
    "IndicatorRule",
    "Survey",
    "SurveyMapping",
    "SurveyMetadata",
    "apply_mapping",
    "load_mapping",
    "mapping_from_dict",
    "read_survey",
    "write_survey",
]
