"""Every name a hospital's staff have is printed, or the PDF is refused (issue 12, §5).

``tests/fixtures/trust/certificate-names/`` holds the issue's cases: names in Chinese,
Arabic, Vietnamese and Romanian, and a 168-character course title with an 84-character
name. ``pdftotext`` reads the PDF back (with ``-bbox`` for where each word is).
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from pathlib import Path

import pytest

from lms.models import Role
from lms.plugins.certificates import codes
from tests.certificates.conftest import run, tool

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "trust" / "certificate-names"
NAMES = json.loads((CASES / "names.json").read_text(encoding="utf-8"))
LONG = json.loads((CASES / "long-title.json").read_text(encoding="utf-8"))
MORE = {
    "greek": "Γεώργιος Παπαδόπουλος",
    "cyrillic": "Ольга Кузнецова",
    "persian": "نگار رضایی",  # with the zero-width non-joiner Persian needs
    "amharic": "ሰላማዊት ተስፋዬ",
    "hindi": "प्रिया शर्मा",
    "tamil": "கார்த்திக் சுப்பிரமணியன்",
    "thai": "สมชาย ใจดี",
    "japanese": "山田 さくら",
    "korean": "김민준",
    "hebrew": "נועה כהן",
    "polish": "Łucja Żółkiewska",
    "turkish": "Şükrü Gündoğdu",
    "decomposed": unicodedata.normalize("NFD", "Åsa Öhrström"),
}
# A millimetre is 72 / 25.4 points. The frame's inner line is 11 mm from each edge.
PT = 72 / 25.4
FRAME = (11 * PT, 11 * PT, (297 - 11) * PT, (210 - 11) * PT)
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _url(certificate) -> str:
    return f"/certificates/{codes.display(certificate.code)}.pdf"


def _pdf(client, auth, make_user, make_course, complete, tmp_path, *, name, title="Basics"):
    learner = make_user(name=name, locale="en")
    version = make_course("named", title=title)
    certificate = complete(learner, version)
    auth.login(learner)
    response = client.get(_url(certificate))
    path = tmp_path / "certificate.pdf"
    path.write_bytes(response.data)
    return response, path


def _words(path: Path) -> list[tuple[float, float, float, float, str]]:
    html = run(tool("pdftotext"), "-bbox", str(path), "-")
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html,
    )
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in found]


def _plain(text: str) -> str:
    return " ".join(BIDI_MARKS.sub("", unicodedata.normalize("NFC", text)).split())


@pytest.mark.parametrize(("script", "name"), [*NAMES.items(), *MORE.items()])
def test_every_name_is_printed(
    client, auth, make_user, make_course, complete, tmp_path, script, name
):
    response, path = _pdf(client, auth, make_user, make_course, complete, tmp_path, name=name)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    text = _plain(run(tool("pdftotext"), str(path), "-"))
    # pdftotext may split an Indic syllable where a vowel sign is drawn before its letter.
    assert _plain(name).replace(" ", "") in text.replace(" ", "")


def test_fonts_embedded_for_the_scripts_of_the_name(client, auth, make_user, make_course,
                                                    complete, tmp_path):  # fmt: skip
    name = " ".join(NAMES.values())
    response, path = _pdf(client, auth, make_user, make_course, complete, tmp_path, name=name)
    assert response.status_code == 200
    embedded = run(tool("pdffonts"), str(path))
    assert "DejaVuSans" in embedded
    assert "NotoSansCJK" in embedded  # 王 and 芳 are in no DejaVu font
    assert embedded.count(" yes yes ") >= 2  # every font embedded, as a subset


def test_a_script_no_font_covers_is_refused_with_a_message_and_logged(
    client, auth, make_user, make_course, complete, tmp_path, caplog
):
    from lms.plugins.certificates import fonts

    tangut = "\U00017000\U00017001"
    assert fonts.missing(tangut) == set(tangut)
    caplog.set_level(logging.ERROR)
    learner = make_user(name=f"Anna {tangut}", locale="sv")
    certificate = complete(learner, make_course("named"))
    auth.login(learner)
    response = client.get(_url(certificate))
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "U+17000" in page
    assert "kan inte skrivas ut" in page  # in the learner's language (Swedish)
    assert f"/certificates/{codes.display(certificate.code)}" in page  # still verifiable
    assert any("U+17000" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)


def test_long_title_and_name_wrap_inside_the_frame(client, auth, make_user, make_course,
                                                   complete, tmp_path):  # fmt: skip
    assert len(LONG["course_title"]) == 168
    response, path = _pdf(
        client, auth, make_user, make_course, complete, tmp_path,
        name=LONG["name"], title=LONG["course_title"],
    )  # fmt: skip
    assert response.status_code == 200
    words = _words(path)
    left, top, right, bottom = FRAME
    for x0, y0, x1, y1, word in words:
        assert left < x0, word
        assert x1 < right, word
        assert top < y0, word
        assert y1 < bottom, word
    text = _plain(" ".join(w[4] for w in words))
    assert _plain(LONG["course_title"]) in text
    assert _plain(LONG["name"]) in text
    title_words = set(LONG["course_title"].split())
    heights = {round(y1 - y0, 1) for _x0, y0, _x1, y1, w in words if w in title_words}
    assert min(heights) >= 12 * 0.9  # no smaller than 12 pt: readable
    lines = {round(y0) for _x0, y0, _x1, _y1, w in words if w in title_words}
    assert 2 <= len(lines) <= 3  # wrapped, not shrunk to one unreadable line


@pytest.mark.parametrize("revoked", [False, True])
def test_the_longest_stored_texts_fit_without_overlapping(
    client, auth, make_user, make_course, complete, tmp_path, revoked
):
    """Names hold up to 200 characters, titles up to 300: the worst case still fits."""
    name = ("Anna-Karin Östberg-Lindqvist " * 7)[:200].strip()
    title = ("Hantering och administrering av CAR-T-cellprodukter " * 6)[:300].strip()
    learner = make_user(name=name, locale="sv")
    certificate = complete(learner, make_course("named", title=title))
    if revoked:
        from lms.plugins.certificates import services

        admin = make_user(role=Role.site_admin)
        services.revoke(certificate, admin, "Test")
    auth.login(make_user(role=Role.site_admin))
    path = tmp_path / "c.pdf"
    path.write_bytes(client.get(_url(certificate)).data)
    words = _words(path)
    left, top, right, bottom = FRAME
    boxes = []
    for x0, y0, x1, y1, word in words:
        assert left < x0, word
        assert x1 < right, word
        assert top < y0, word
        assert y1 < bottom, word
        boxes.append((x0, y0, x1, y1))
    for i, a in enumerate(boxes):  # no two words drawn over each other
        for b in boxes[i + 1 :]:
            overlap_x = min(a[2], b[2]) - max(a[0], b[0])
            overlap_y = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (a, b)


def test_check_deploy_says_when_the_noto_fonts_are_missing(tmp_path):
    from config import Config
    from lms.deploy import font_problems

    assert font_problems({"LMS_CERT_FONT_DIRS": Config.LMS_CERT_FONT_DIRS}) == []
    problems = "\n".join(font_problems({"LMS_CERT_FONT_DIRS": str(tmp_path)}))
    assert "install fonts-noto-core" in problems
    assert "install fonts-noto-cjk" in problems


@pytest.mark.parametrize("config_overrides", [{"LMS_CERT_FONT_DIRS": "/nonexistent"}])
def test_without_the_noto_fonts_latin_names_still_print_and_others_are_refused(
    client, auth, make_user, make_course, complete, tmp_path
):
    response, _path = _pdf(client, auth, make_user, make_course, complete, tmp_path,
                           name=NAMES["romanian"])  # fmt: skip
    assert response.status_code == 200
    learner = make_user(name=NAMES["cjk"], email="wang@example.com")
    certificate = complete(learner, make_course("named", title="Basics"))
    auth.logout()
    auth.login(learner)
    assert client.get(_url(certificate)).status_code == 422
