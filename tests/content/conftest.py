"""Fixtures for the course pipeline: where the example courses are, and copies to change."""

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).parent
BROKEN = HERE / "broken"
GOOD_COURSE = HERE / "fixtures" / "good-course"


@pytest.fixture
def good_course() -> Path:
    return GOOD_COURSE


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A writable copy of the good course, inside a `courses/` folder like the real one."""
    target = tmp_path / "courses" / "good-course"
    shutil.copytree(GOOD_COURSE, target)
    return target
