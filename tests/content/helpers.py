"""Writing a small course folder from a mapping of file names to text, for the pipeline tests."""

from __future__ import annotations

from pathlib import Path

COURSE_MD = (
    "---\ntitle: Probe course\nsummary: A tiny course.\naudiences: [nurse]\nversion: 1.0.0\n"
    "language: en\nestimated_minutes: 10\nstatus: published\n---\nAbout the course. "
    "The SmPC and local procedures take precedence over this course.\n"
)
MODULE_MD = "---\ntitle: Module one\nminutes: 5\n---\n## Part one\n\nSome reading.\n"


def quiz_md(body: str, **front: object) -> str:
    """A quiz file: ``title: Quiz one`` plus ``front`` as YAML scalars, then ``body``."""
    lines = ["title: Quiz one", *(f"{key}: {str(value).lower()}" for key, value in front.items())]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def write_files(root: Path, files: dict[str, str | bytes], slug: str = "probe") -> Path:
    """``root/courses/<slug>/`` holding course.md, one module and ``files`` (which win)."""
    folder = root / "courses" / slug
    everything: dict[str, str | bytes] = {"course.md": COURSE_MD, "01-intro.md": MODULE_MD}
    everything.update(files)
    for name, content in everything.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder
