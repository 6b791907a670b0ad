"""Study settings are checked when built."""

from __future__ import annotations

import pytest

from acsi.study.settings import StudySettings


def test_study_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="estimators"):
        StudySettings(estimators=("ols",))
    with pytest.raises(ValueError, match="ns"):
        StudySettings(ns=(10,))
