"""Content rules for course text: the precedence note, and phrases that were wrong before.

The format checks in `builder` say whether a course *can* be served; these say whether what
it teaches repeats a mistake a reviewer already found. Two kinds:

- **The precedence note** (an error): every course description, in the course's language and
  in each translation, says that the SmPC and local procedures take precedence over the
  course. `docs/course-format.md` makes this part of the format, and a clinical course without
  it must not reach ward staff; the published version keeps serving until it is fixed.
- **Phrases that were wrong before** (warnings): a table of patterns from the clinical
  pharmacist's review of November 2026 and the revised fact sheet
  (`../shared/content/atmp-facts.md`, `changes-2026-11-30.md`). A phrase may be right in
  context, which is why these only warn, and why a rule can name the context that makes it
  right (``unless``) or the context that makes it wrong (``near``). The test suite keeps the
  real courses free of warnings, so a mistake cannot come back silently.

A paragraph is a run of non-blank lines; a heading belongs to the paragraph under it, and a
quiz question (heading, choices, explanation) is one paragraph. Rules that depend on context
(``unless``, ``near``) read the body only; the others read the front matter too (titles).
Text is compared in Unicode NFC, case-insensitively.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .documents import Problem
from .files import CourseFile, read_text

# In English a sentence with both words; in Swedish the same with the Swedish terms.
PRECEDENCE = {
    "en": (re.compile(r"\bSmPC\b"), re.compile(r"\bprecedence\b", re.IGNORECASE)),
    "sv": (re.compile(r"produktresum", re.IGNORECASE), re.compile(r"företräde", re.IGNORECASE)),
}
PRECEDENCE_MESSAGE = {
    "en": "the course description must say that the SmPC and local procedures take precedence "
    "over the course (a sentence with 'SmPC' and 'precedence')",
    "sv": "the Swedish course description must say that the SmPC and local procedures take "
    "precedence over the course (a sentence with 'produktresumén' and 'företräde')",
}

QUOTES = "\"'“”‘’«»"
_STORAGE = r"°C|\bstor(?:age|ed|e)\b|temperature|refreez"
_STORAGE_SV = r"°C|förvar|temperatur|frysas om"
_UNCERTAIN = (
    r"secondary source|not (?:been )?(?:checked|confirmed)|uncertain"
    r"|sekundär(?:a)? källa|inte (?:har )?(?:kontrollerats|bekräftats)|osäkra?"
)


@dataclass(frozen=True)
class Phrase:
    """A phrase that was wrong before, and what to write instead.

    `pattern` is a regular expression matched within one line (case-insensitive). The
    warning is given unless the paragraph also matches `unless`, and only if it matches
    `near` when that is set. With `quoted_ok`, a term written in quotation marks is taken as
    mentioned (as a glossary does), not used.
    """

    pattern: str
    message: str
    languages: tuple[str, ...] = ("en", "sv")
    unless: str | None = None
    near: str | None = None
    quoted_ok: bool = False


EN, SV = ("en",), ("sv",)

PHRASES: tuple[Phrase, ...] = (
    # Storage and handling (fact sheet §2)
    Phrase(
        r"\bsee (?:the )?(?:current )?SmPC\b",
        "'see SmPC' for a storage fact: give the product's storage temperature and whether it "
        "may be refrozen (e.g. Kymriah ≤ −120 °C, not refrozen; EU product information)",
        EN,
        near=_STORAGE,
    ),
    Phrase(
        r"\bse (?:den aktuella )?produktresumén\b",
        "'se produktresumén' for a storage fact: give the product's storage temperature and "
        "whether it may be refrozen (e.g. Kymriah ≤ −120 °C, not refrozen; EU product "
        "information)",
        SV,
        near=_STORAGE_SV,
    ),
    Phrase(
        r"waste as human material|avfall(?:et)? (?:hanteras )?som (?:humant material|material "
        r"av mänskligt ursprung)|hantera avfallet som humant",
        "waste is worded per product: Tecartus 'local guidelines on handling waste of "
        "human-derived material', Yescarta 'potentially infectious waste' (EU product "
        "information)",
    ),
    Phrase(
        r"never (?:be )?irradiat|bestråla(?:s)? aldrig|får aldrig bestrålas",
        "'irradiation may inactivate the product' is sourced for Tecartus only: name the "
        "product instead of ruling it out for every CAR-T",
    ),
    Phrase(
        r"horizontal laminar[- ]flow|LAF-bänk med horisontellt|horisontell LAF",
        "not sourced: the EAHP recommendations say a biological safety cabinet of at least "
        "class II, or an isolator",
    ),
    # Patient safety (fact sheet §3)
    Phrase(
        r"every (?:CRS )?grade (?:of CRS )?(?:requires?|needs?)\b"
        r"|varje grad av CRS kräver|kräver \W*varje grad av CRS",
        "fever is needed to diagnose CRS, but once a patient with CRS has had antipyretic or "
        "anti-cytokine treatment (tocilizumab, corticosteroids) it is no longer required (ASTCT)",
    ),
    Phrase(
        r"(?<![\d.,])8 mg/kg",
        "give both weight bands for tocilizumab: 8 mg/kg from 30 kg, 12 mg/kg below 30 kg "
        "(RoActemra EU product information)",
        unless=r"30 kg",
    ),
    Phrase(
        r"2 weeks[^.]*\brare\b|\brare\b[^.]*2 weeks|2 veckor[^.]*\bovanlig|\bovanlig[^.]*2 veckor",
        "'new onset after 2 weeks is rare' holds for CD19 CAR-T only: BCMA CAR-T (Carvykti) "
        "can cause delayed neurotoxicity",
        unless=r"CD19",
    ),
    Phrase(
        r"2 hours'?(?: travel)? (?:of|from) the (?:treating )?centre"
        r"|2 timmar(?:s resväg)? från (?:behandlande )?centr",
        "the EU Kymriah SmPC says within 2 hours' travel of 'a qualified clinical facility', "
        "not of the treating centre",
    ),
    Phrase(
        r"\bdriv(?:e|es|ing)\b|bilkörning|köra bil",
        "driving advice without the EU rule in the same paragraph: the EU package leaflets "
        "say no driving for at least 8 weeks after the infusion (per product; US limits do "
        "not apply in Sweden)",
        unless=r"\bEU\b",
    ),
    Phrase(
        r"\bFDA\b",
        "mentions the FDA without saying, in the same paragraph, what applies in the EU: in "
        "Sweden the EU SmPC applies",
        unless=r"\bEU\b",
    ),
    Phrase(
        r"prescribing information",
        "cite the EU product information (SmPC, package leaflet): 'prescribing information' "
        "is the US text",
        EN,
        unless=r"\bUS\b",
    ),
    Phrase(
        r"donate blood, organs or cells|donera blod, organ eller celler",
        "the EU package leaflets say blood, organs, tissues or cells",
    ),
    # Regulatory (fact sheet §1)
    Phrase(
        r"Qualified Person|sakkunnig person|recommended but not required"
        r"|rekommenderas men (?:är )?inte (?:ett krav|krävs)"
        r"|adverse events are (?:also )?reported to Läkemedelsverket"
        r"|oönskade händelser (?:också )?rapporteras|rapporteras oönskade händelser",
        "a hospital-exemption point the fact sheet marks as uncertain (Qualified Person, "
        "adverse-event reporting, ethics review 'recommended but not required': secondary "
        "source only): say so in the same paragraph, as atmp-fundamentals/02 does",
        unless=_UNCERTAIN,
    ),
    Phrase(
        r"(?:culture expansion|genetic modification)[^.]*\b(?:is|are) (?:an? )?(?:examples? of )?"
        r"substantial manipulation|(?:expansion i cellodling|genetisk modifiering)[^.]*\bär"
        r"[^.]*exempel på väsentlig bearbetning",
        "the fact sheet does not source this as a legal rule: say they are not on the Annex I "
        "list and are normally treated as substantial",
    ),
    # Swedish terms (fact sheet §5, glossary)
    Phrase(
        r"kombinationsläkemed\w*",
        "write 'kombinerat ATMP' (glossary): 'kombinationsläkemedel' is easily confused with "
        "fixed-dose combinations",
        SV,
        quoted_ok=True,
    ),
    Phrase(
        r"förskrivningsinformation\w*",
        "write 'produktresumé' for the SmPC (glossary): 'förskrivningsinformation' echoes the "
        "US 'prescribing information'",
        SV,
        quoted_ok=True,
    ),
    Phrase(
        r"inneslutningsnivå\w*",
        "write 'skyddsnivå', Arbetsmiljöverket's term for containment level (glossary)",
        SV,
        quoted_ok=True,
    ),
    Phrase(
        r"identitetskedja\w*",
        "there is no established Swedish term for chain of identity: write 'chain of "
        "identity' and explain it (glossary)",
        SV,
        quoted_ok=True,
    ),
    Phrase(r"isolerande handskar", "write 'köldskyddshandskar'", SV),
    Phrase(r"limbal stamcellsbrist", "write 'limbal stamcellsinsufficiens'", SV),
    Phrase(r"genomediter\w*", "write 'geneditering'", SV),
    Phrase(
        r"villkorat godkännande",
        "write 'villkorligt godkännande (för försäljning)' (glossary)",
        SV,
    ),
    Phrase(r"CAR-T-programmet REMS", "write 'REMS-programmet'", SV),
)

_COMPILED = tuple(
    (
        phrase,
        re.compile(phrase.pattern, re.IGNORECASE),
        re.compile(phrase.unless, re.IGNORECASE) if phrase.unless else None,
        re.compile(phrase.near, re.IGNORECASE) if phrase.near else None,
    )
    for phrase in PHRASES
)


def lint_course(
    folder: Path,
    files: Iterable[CourseFile],
    language: str | None,
    shown: Callable[[str], str],
) -> list[Problem]:
    """The content problems of one course folder.

    `files` are the course's Markdown files as the builder classified them; `language` is
    the course's own language (None when its front matter is broken: then the originals are
    skipped, since that is reported already); `shown` turns a file name into the path that
    problems print. Returns errors for a missing precedence note and warnings for phrases in
    :data:`PHRASES`. Files that are not UTF-8 are skipped (the builder reports them).
    """
    problems: list[Problem] = []
    for file in files:
        file_language = file.language or language
        if file_language not in PRECEDENCE:
            continue
        text, _ = read_text(folder / file.name, shown(file.name))
        if text is None:
            continue
        text = unicodedata.normalize("NFC", text)
        path = shown(file.name)
        if file.kind == "course" and not all(p.search(text) for p in PRECEDENCE[file_language]):
            problems.append(Problem(path, 1, PRECEDENCE_MESSAGE[file_language]))
        problems.extend(_phrases(path, text, file_language))
    return problems


def _phrases(path: str, text: str, language: str) -> Iterator[Problem]:
    lines = list(enumerate(text.split("\n"), start=1))
    matter = _front_matter_end([line for _, line in lines])
    blocks = [(True, b) for b in _paragraphs(lines[:matter])]
    blocks += [(False, b) for b in _paragraphs(lines[matter:])]
    for in_matter, block in blocks:
        paragraph = "\n".join(line for _, line in block)
        for phrase, pattern, unless, near in _COMPILED:
            if language not in phrase.languages:
                continue
            if in_matter and (unless or near):
                continue  # a title has no room for context: context rules read the body only
            if (near and not near.search(paragraph)) or (unless and unless.search(paragraph)):
                continue
            for number, line in block:
                if any(not (phrase.quoted_ok and _quoted(line, m)) for m in pattern.finditer(line)):
                    yield Problem(path, number, phrase.message, warning=True)


def _quoted(line: str, match: re.Match) -> bool:
    """Is the matched word written in quotation marks ("identitetskedja")?"""
    start, end = match.start(), match.end()
    while end < len(line) and line[end].isalnum():
        end += 1
    return start > 0 and end < len(line) and line[start - 1] in QUOTES and line[end] in QUOTES


def _front_matter_end(lines: list[str]) -> int:
    """The line number of the front matter's closing `---`, or 0 when there is none."""
    if not lines or lines[0].strip() != "---":
        return 0
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return number
    return 0


def _paragraphs(lines: list[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """The paragraphs of numbered lines; a heading joins the paragraph below it."""
    block: list[tuple[int, str]] = []
    for number, line in [*lines, (0, "")]:
        if line.strip():
            block.append((number, line))
        elif block and not all(text.lstrip().startswith("#") for _, text in block):
            yield block
            block = []
    if block:
        yield block
