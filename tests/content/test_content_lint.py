"""Content rules of `check-courses` (lms/content/lint.py): the precedence note, and phrases
that the clinical review of November 2026 found wrong.

Each phrase case is the wrong sentence as it stood in a course before the review; without its
rule in the table the case finds no warning and fails. Each "right in context" case shows
what the rule lets through, so that a rule cannot silently become too broad either.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.content import check_courses, load_course
from tests.conftest import write_course

OLD_CAR_T = Path(__file__).parent / "fixtures" / "car-t-nursing-1.0.0"

# (id, language, text of a module, the line that must warn, a piece of the message)
WRONG_BEFORE = [
    (
        "see-smpc-for-storage",
        "en",
        "| | Kymriah | Tecartus |\n|---|---|---|\n"
        "| Storage | Frozen, in LN₂ vapour phase | Frozen, ≤ −150 °C |\n"
        "| Refreezing | See SmPC | Do not refreeze |",
        "| Refreezing",
        "'see SmPC' for a storage fact",
    ),
    (
        "se-produktresumen-for-storage",
        "sv",
        "| | Kymriah | Tecartus |\n|---|---|---|\n"
        "| Förvaring | Fryst, i gasfas över LN₂ | Fryst, ≤ −150 °C |\n"
        "| Återfrysning | Se produktresumén | Får inte frysas om |",
        "| Återfrysning",
        "'se produktresumén' for a storage fact",
    ),
    (
        "waste-as-human-material",
        "en",
        "| Protection and waste | Transport in closed, leak-proof containers; dispose of waste "
        "as human material |",
        "dispose of waste",
        "waste is worded per product",
    ),
    (
        "avfall-som-humant-material",
        "sv",
        "Transportera i slutna, läckagesäkra behållare; avfall hanteras som material av "
        "mänskligt ursprung.",
        "avfall hanteras",
        "waste is worded per product",
    ),
    (
        "never-irradiate",
        "en",
        "The Tecartus product information warns that irradiation may inactivate the product. "
        "The CAR-T bag must never be irradiated.",
        "must never be irradiated",
        "sourced for Tecartus only",
    ),
    (
        "horizontal-laf",
        "en",
        "Prepare in a class II biological safety cabinet, never on an open bench or a "
        "horizontal laminar-flow bench.",
        "laminar-flow",
        "not sourced: the EAHP recommendations",
    ),
    (
        "every-crs-grade-requires-fever",
        "en",
        "In the ASTCT consensus grading, **every grade of CRS requires a fever of at least "
        "38 °C** that has no other cause.",
        "every grade of CRS",
        "fever is needed to diagnose CRS",
    ),
    (
        "kraver-varje-grad-feber",
        "sv",
        "Enligt ASTCT:s konsensusgradering kräver **varje grad av CRS feber på minst 38 °C** "
        "utan annan orsak.",
        "varje grad av CRS",
        "fever is needed to diagnose CRS",
    ),
    (
        "tocilizumab-without-weight-band",
        "en",
        "- **Tocilizumab** is the treatment for CRS: 8 mg/kg IV (maximum 800 mg), which may be "
        "repeated every 8 hours.",
        "8 mg/kg",
        "give both weight bands for tocilizumab",
    ),
    (
        "two-weeks-rare",
        "en",
        "## When to expect it\n\nICANS usually starts 2–9 days after the infusion. New onset "
        "more than 2 weeks after the infusion is rare (Blood Advances 2024).",
        "is rare",
        "holds for CD19 CAR-T only",
    ),
    (
        "tva-veckor-ovanlig",
        "sv",
        "Nydebut mer än 2 veckor efter infusionen är ovanlig (Blood Advances 2024).",
        "Nydebut",
        "holds for CD19 CAR-T only",
    ),
    (
        "treating-centre",
        "en",
        "The EU Kymriah SmPC says that the patient should stay **within 2 hours' travel of the "
        "treating centre for at least 4 weeks** after the infusion.",
        "treating centre",
        "'a qualified clinical facility'",
    ),
    (
        "behandlande-centrum",
        "sv",
        "Enligt EU-produktresumén för Kymriah ska patienten vistas **inom 2 timmars resväg från "
        "behandlande centrum i minst 4 veckor** efter infusionen.",
        "behandlande centrum",
        "'a qualified clinical facility'",
    ),
    (
        "driving-without-eu-rule",
        "en",
        "**Driving.** Older US labels said patients should not drive for 8 weeks. Give the "
        "advice that the current SmPC and your local procedure give.",
        "**Driving.**",
        "driving advice without the EU rule",
    ),
    (
        "bilkorning-utan-eu-regel",
        "sv",
        "**Bilkörning.** Äldre amerikanska produktinformationer angav att patienten inte skulle "
        "köra bil på 8 veckor.",
        "**Bilkörning.**",
        "driving advice without the EU rule",
    ),
    (
        "fda-without-eu",
        "en",
        "The EMA guideline is risk-based. The FDA's 2020 guidance is more specific, "
        "recommending up to 15 years for integrating vectors and genome editing.",
        "The EMA guideline",
        "mentions the FDA without saying",
    ),
    (
        "prescribing-information",
        "en",
        "The Yescarta prescribing information is explicit about what to do if they do not agree.",
        "prescribing information",
        "cite the EU product information",
    ),
    (
        "donation-without-tissues",
        "en",
        "Patients carry a patient alert card and must not donate blood, organs or cells.",
        "donate",
        "blood, organs, tissues or cells",
    ),
    (
        "he-points-as-fact",
        "en",
        "In Sweden, GMP and a Qualified Person are required, and adverse events are reported to "
        "Läkemedelsverket. Ethics review is recommended but not required.",
        "Qualified Person",
        "a hospital-exemption point the fact sheet marks as uncertain",
    ),
    (
        "he-punkter-som-fakta",
        "sv",
        "GMP och en sakkunnig person (QP) krävs, och oönskade händelser rapporteras till "
        "Läkemedelsverket.",
        "sakkunnig person",
        "a hospital-exemption point the fact sheet marks as uncertain",
    ),
    (
        "culture-expansion-as-rule",
        "en",
        "By contrast, culture expansion and genetic modification are examples of substantial "
        "manipulation.",
        "culture expansion",
        "does not source this as a legal rule",
    ),
    (
        "kombinationslakemedel",
        "sv",
        "En produkt där en medicinteknisk produkt är en integrerad del är ett "
        "**kombinationsläkemedel**.",
        "kombinationsläkemedel",
        "write 'kombinerat ATMP'",
    ),
    (
        "forskrivningsinformation",
        "sv",
        "Förskrivningsinformationen för Yescarta är tydlig med vad som gäller.",
        "Förskrivningsinformationen",
        "write 'produktresumé'",
    ),
    (
        "inneslutningsniva",
        "sv",
        "Från inneslutningsnivå 2 krävs **skriftliga instruktioner för spill**.",
        "inneslutningsnivå",
        "write 'skyddsnivå'",
    ),
    (
        "identitetskedja-in-a-heading",
        "sv",
        "## Identitetskedja och spårbarhet\n\nTvå dokumentationskedjor skyddar patienten.",
        "## Identitetskedja",
        "no established Swedish term for chain of identity",
    ),
    (
        "isolerande-handskar",
        "sv",
        "Använd isolerande handskar och visir.",
        "isolerande",
        "write 'köldskyddshandskar'",
    ),
    (
        "limbal-stamcellsbrist",
        "sv",
        "| Holoclar | TEP | Limbal stamcellsbrist efter brännskador i ögat |",
        "stamcellsbrist",
        "write 'limbal stamcellsinsufficiens'",
    ),
    (
        "genomeditering",
        "sv",
        "Upp till 15 år för integrerande vektorer och genomeditering enligt EU-jämförelsen.",
        "genomeditering",
        "write 'geneditering'",
    ),
    (
        "villkorat-godkannande",
        "sv",
        "| Zolgensma | GTMP | 5q-SMA; villkorat godkännande 2020 |",
        "villkorat",
        "write 'villkorligt godkännande",
    ),
    (
        "car-t-programmet-rems",
        "sv",
        "I juni 2025 tog amerikanska FDA bort CAR-T-programmet REMS; det ändrar inte "
        "EU-produktresumén.",
        "REMS",
        "write 'REMS-programmet'",
    ),
]

# (id, language, text): right in its context, so no warning at all.
RIGHT_IN_CONTEXT = [
    ("see-smpc-without-storage", "en", "For the infusion set of Tecartus, see SmPC."),
    (
        "tocilizumab-with-both-bands",
        "en",
        "Tocilizumab: 8 mg/kg from 30 kg of body weight, 12 mg/kg below 30 kg.",
    ),
    (
        "two-weeks-rare-for-cd19",
        "en",
        "For CD19 CAR-T, new onset more than 2 weeks after the infusion is rare.",
    ),
    (
        "driving-heading-with-eu-rule",
        "en",
        "## Driving\n\nThe EU package leaflets say: no driving for at least 8 weeks.",
    ),
    (
        "fda-with-eu",
        "sv",
        "FDA:s vägledning rekommenderar upp till 15 år; inom EU är EMA:s riktlinje riskbaserad.",
    ),
    ("us-prescribing-information", "en", "The US prescribing information was changed in 2025."),
    (
        "he-points-hedged",
        "en",
        "ATMP Sweden's guide also names a Qualified Person; that point comes from a secondary "
        "source only and has not been checked.",
    ),
    (
        "quoted-terms",
        "sv",
        'Centra skriver ibland "kombinationsläkemedel", och "Identitetskedja" är ett förslag.',
    ),
]


def _course_with(tmp_path: Path, language: str, text: str, *, title: str | None = None):
    """A valid course whose module 1 (English) or its Swedish translation holds `text`."""
    root = tmp_path / "courses"
    folder = write_course(root, "lint", swedish=True)
    if language == "en":
        module = folder / "01-module-1.md"
        head = f"---\ntitle: {title or 'Module 1'}\nminutes: 5\n---\n"
    else:
        module = folder / "01-module-1.sv.md"
        head = f"---\ntitle: {title or 'Modul 1'}\n---\n"
    module.write_text(head + text + "\n")
    return root, module


@pytest.mark.parametrize(
    ("language", "text", "line_with", "message"),
    [case[1:] for case in WRONG_BEFORE],
    ids=[case[0] for case in WRONG_BEFORE],
)
def test_a_phrase_that_was_wrong_before_warns_at_its_line(
    tmp_path, language, text, line_with, message
):
    root, module = _course_with(tmp_path, language, text)
    lines = module.read_text().split("\n")
    line = next(i for i, content in enumerate(lines, start=1) if line_with in content)
    problems = check_courses(root)
    found = [p for p in problems if message in p.message]
    assert [(p.path, p.line, p.warning) for p in found] == [
        (f"courses/lint/{module.name}", line, True)
    ], [str(p) for p in problems]
    assert str(found[0]).startswith(f"courses/lint/{module.name}:{line}: warning: ")
    course, _ = load_course(root / "lint")
    assert course is not None  # a warning never stops a course


@pytest.mark.parametrize(
    ("language", "text"),
    [case[1:] for case in RIGHT_IN_CONTEXT],
    ids=[case[0] for case in RIGHT_IN_CONTEXT],
)
def test_the_same_phrase_in_its_right_context_does_not_warn(tmp_path, language, text):
    root, _ = _course_with(tmp_path, language, text)
    assert [str(p) for p in check_courses(root)] == []


def test_a_title_is_checked_for_terms_but_not_for_context(tmp_path):
    root, _ = _course_with(tmp_path, "sv", "Text.", title='"Identitetskedja och spårbarhet"')
    assert [(p.line, p.warning) for p in check_courses(root)] == [(2, True)]
    root, _ = _course_with(tmp_path / "b", "en", "Text.", title='"Staying near and driving"')
    assert check_courses(root) == []


def test_a_course_without_the_precedence_note_is_refused(tmp_path):
    root = tmp_path / "courses"
    folder = write_course(root, "lint", swedish=True)
    course_md = folder / "course.md"
    course_md.write_text(course_md.read_text().replace("take precedence", "are useful"))
    problems = [str(p) for p in check_courses(root)]
    assert problems == [
        "courses/lint/course.md:1: the course description must say that the SmPC and local "
        "procedures take precedence over the course (a sentence with 'SmPC' and 'precedence')"
    ]
    assert load_course(folder)[0] is None


def test_the_precedence_note_is_needed_in_every_language(tmp_path):
    root = tmp_path / "courses"
    folder = write_course(root, "lint", swedish=True)
    (folder / "course.sv.md").write_text("---\ntitle: Kurs\n---\nOm kursen.\n")
    problems = check_courses(root)
    assert [(p.path, p.line, p.warning) for p in problems] == [
        ("courses/lint/course.sv.md", 1, False)
    ]
    assert "'produktresumén' and 'företräde'" in problems[0].message


def test_the_old_car_t_nursing_course_shows_the_mistakes_the_review_found(tmp_path):
    """Version 1.0.0 of car-t-nursing, as it was before the review: every kind of mistake
    in it is caught, at the lines the issue names."""
    root = tmp_path / "courses"
    shutil.copytree(OLD_CAR_T, root / "car-t-nursing")
    found = {(p.path.rsplit("/", 1)[1], p.line) for p in check_courses(root) if p.warning}
    assert {
        ("03-icans-ice-discharge.md", 52),  # driving: no EU rule
        ("03-icans-ice-discharge.sv.md", 51),
        ("03-icans-ice-discharge.md", 50),  # the treating centre
        ("02-crs.md", 36),  # tocilizumab without the weight bands
        ("02-crs.md", 14),  # every grade requires fever
        ("02-crs.md", 10),  # rare after 2 weeks, for all products
        ("03-icans-ice-discharge.md", 10),
        ("01-infusion-day.md", 35),  # waste as human material
        ("01-infusion-day.md", 43),  # never irradiate
    } <= found
