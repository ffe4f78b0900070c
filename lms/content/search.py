"""Full-text search over module text, built at sync and read by the catalogue.

Each stored module gets one ``content_search`` row per language it is written in (its
original and each translation): the title and the text without markup. The databases'
own full-text search reads them:

- PostgreSQL: an expression GIN index on ``to_tsvector(<swedish|english>, body)``;
  queries go through ``to_tsquery`` with the row's configuration, so Swedish rows are
  stemmed as Swedish ("förvaras" -> "förvar") and English rows as English.
- SQLite: an FTS5 table ``content_search_fts`` (rowid = ``content_search.id``) holding the
  body already stemmed with the same Snowball stemmers (the ``snowballstemmer`` package):
  SQLite's FTS5 has no Swedish stemmer of its own, so index and query are stemmed here.

Both sides are folded (:func:`lms.text.fold`: case, and diacritics taken off), so a
keyboard without å, ä, ö or é finds the text ("forvaring" finds "förvaring", "résumé"
finds "resume"): the stored ``body`` is the folded text (migration 0021 folded the rows
stored before), and every query word is folded before it is stemmed.

Snowball leaves a Swedish noun in -ing as it is ("förvaring"), while the verb forms stem
to "förvar"; so a query word in -ing/-ning also matches, as a prefix, the stem without it
("förvaring" finds "förvaras" and "förvaringstemperatur"). Words shorter than the
stripped stem's minimum are left alone.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable
from functools import cache

import snowballstemmer
from sqlalchemy import text

from lms.extensions import db
from lms.text import fold

LANGUAGES = {"sv": "swedish", "en": "english"}
"""Content language -> Snowball stemmer and PostgreSQL text search configuration."""

MAX_WORDS = 8
MIN_PREFIX = 5
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+", re.UNICODE)
_SWEDISH_NOUN = re.compile(r"(n?ing(en|ar|arna)?)$")


def plain_text(html: str) -> str:
    """The visible text of stored, sanitised module HTML (str), whitespace folded."""
    return " ".join(html_lib.unescape(_TAG.sub(" ", html)).split())


def config_for(language: str) -> str:
    return LANGUAGES.get(language, "english")


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(config_for(language))


def words(value: str) -> list[str]:
    """Folded words of ``value`` (:func:`fold`: lower case, no diacritics), at most
    :data:`MAX_WORDS` (a query, not an essay)."""
    return _WORD.findall(fold(value))[:MAX_WORDS]


def stems(value: str, language: str) -> str:
    """``value`` as space-separated Snowball stems of ``language`` (for the SQLite index)."""
    stemmer = _stemmer(language)
    return " ".join(stemmer.stemWord(w.lower()) for w in _WORD.findall(value))


def _alternatives(word: str, language: str) -> tuple[str, str | None]:
    """(stem, prefix or None) one query word may match in ``language``."""
    stem = _stemmer(language).stemWord(word)
    prefix = None
    if language == "sv":
        bare = _SWEDISH_NOUN.sub("", word)
        if bare != word and len(bare) >= MIN_PREFIX:
            prefix = _stemmer(language).stemWord(bare)
    return stem, prefix


def documents(version) -> list[dict]:
    """Rows to store for a CourseVersion whose modules have ids: one per module and
    language, ``{"version_id", "module_id", "language", "body"}``."""
    found = []
    for module in version.modules:
        texts = {version.language: (module.title, module.html)}
        for lang, t in (module.translations or {}).items():
            texts[lang] = (t.get("title", ""), t.get("html", ""))
        for lang, (title, body) in texts.items():
            found.append(
                {
                    "version_id": version.id,
                    "module_id": module.id,
                    "language": lang,
                    "body": fold(f"{title}\n{plain_text(body)}"),
                }
            )
    return found


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def store(rows: Iterable[dict], connection=None) -> None:
    """Insert search rows (and, on SQLite, their stemmed FTS5 twins) in the caller's
    transaction. ``connection``: an Alembic/engine connection (migrations), else the
    session's."""
    run = connection.execute if connection is not None else db.session.execute
    sqlite = (connection.dialect.name if connection is not None else None) == "sqlite" or (
        connection is None and _is_sqlite()
    )
    for row in rows:
        new_id = run(
            text(
                "INSERT INTO content_search (version_id, module_id, language, body) "
                "VALUES (:version_id, :module_id, :language, :body) RETURNING id"
            ),
            row,
        ).scalar_one()
        if sqlite:
            run(
                text("INSERT INTO content_search_fts (rowid, stems) VALUES (:id, :stems)"),
                {"id": new_id, "stems": stems(row["body"], row["language"])},
            )


def index_version(version) -> None:
    """Index a just-flushed CourseVersion's modules (called by the sync)."""
    store(documents(version))


def _fts5_query(terms: list[str], language: str) -> str:
    parts = []
    for word in terms:
        stem, prefix = _alternatives(word, language)
        options = [f'"{stem}"'] + ([f'"{prefix}"*'] if prefix else [])
        parts.append("(" + " OR ".join(options) + ")")
    return " AND ".join(parts)


def _ts_query(terms: list[str], language: str) -> str:
    # Lexemes are quoted for to_tsquery; words are \\w+ only, so no operator gets in.
    parts = []
    for word in terms:
        _stem, prefix = _alternatives(word, language)
        options = [f"'{word}'"] + ([f"'{prefix}':*"] if prefix else [])
        parts.append("(" + " | ".join(options) + ")")
    return " & ".join(parts)


def matching_versions(query: str, version_ids: Iterable[int]) -> set[int]:
    """The ids among ``version_ids`` with a module whose text (in any of its languages)
    holds every word of ``query`` (str, as typed), in a word form of that language. Empty
    for a query without words. Raises nothing for odd input: words are ``\\w+`` only."""
    terms = words(query)
    ids = sorted(set(version_ids))
    if not terms or not ids:
        return set()
    found: set[int] = set()
    for language, config in LANGUAGES.items():
        if _is_sqlite():
            rows = db.session.execute(
                text(
                    "SELECT DISTINCT s.version_id FROM content_search_fts f "
                    "JOIN content_search s ON s.id = f.rowid "
                    "WHERE content_search_fts MATCH :q AND s.language = :lang "
                    f"AND s.version_id IN ({','.join(str(int(i)) for i in ids)})"
                ),
                {"q": _fts5_query(terms, language), "lang": language},
            )
        else:
            rows = db.session.execute(
                text(
                    f"SELECT DISTINCT version_id FROM content_search WHERE {TSVECTOR} "
                    "@@ to_tsquery(CAST(:config AS regconfig), :q) AND language = :lang "
                    "AND version_id = ANY(:ids)"
                ),
                {"config": config, "q": _ts_query(terms, language), "lang": language, "ids": ids},
            )
        found.update(row[0] for row in rows)
    return found


TSVECTOR = (
    "to_tsvector(CASE language WHEN 'sv' THEN 'swedish'::regconfig "
    "ELSE 'english'::regconfig END, body)"
)
"""The expression the PostgreSQL GIN index is built on (migration 0017_search); queries
repeat it exactly so the planner can use the index."""
