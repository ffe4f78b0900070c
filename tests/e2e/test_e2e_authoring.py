"""In a real browser: an educator writes a course in the app, sees the checker's message at the
right line, fixes it, previews the quiz in Swedish and publishes 1.0.0; a learner takes the
course; the educator corrects a typo as 1.0.1 and downloads the draft, which check-courses
accepts unchanged. Every authoring page passes axe-core in both languages."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from tests.e2e.conftest import ROOT, check_accessibility, login
from tests.e2e.steps import register, start_quiz

SLUG = "e2e-authored-course"

MODULE = """---
title: Receiving a cell product
minutes: 10
---
## At the door

Check the dry shipper before you sign, and recieve the product in the cleanroom.
"""

# The mistake: question 2 marks no choice as correct (line 12 of the file).
QUIZ_WRONG = """---
title: Receiving quiz
---
## Who signs for the shipment?
- [ ] The courier
- [x] The receiving nurse or pharmacist
> Only trained staff may accept a cell product.

## Where is the product kept until it is used?
- [ ] On the ward
- [ ] In the vapour phase of liquid nitrogen
> The SmPC says how it is stored.
"""
QUIZ = QUIZ_WRONG.replace("- [ ] In the vapour", "- [x] In the vapour")

QUIZ_SV = """---
title: Mottagningsquiz
---
## Vem signerar för försändelsen?
- [ ] Kuriren
- [x] Den mottagande sjuksköterskan eller farmaceuten
> Bara utbildad personal får ta emot en cellprodukt.

## Var förvaras produkten tills den används?
- [ ] På avdelningen
- [x] I gasfasen över flytande kväve
> Produktresumén säger hur den förvaras.
"""


def new_file(page, name: str, text: str) -> None:
    page.goto(f"/educator/courses/{SLUG}/new-file")
    page.locator("#name").fill(name)
    page.locator("#text").fill(text)
    page.locator("form.editor-form button[type=submit]").click()
    page.wait_for_load_state()


def edit_file(page, name: str, text: str) -> None:
    page.goto(f"/educator/courses/{SLUG}/files/{name}")
    page.locator("#text").fill(text)
    page.locator("form.editor-form button[type=submit]").click()
    page.wait_for_load_state()


def publish(page, kind: str | None = None, note: str = "") -> str:
    page.goto(f"/educator/courses/{SLUG}/publish")
    if kind:
        page.locator(f"input[name=kind][value={kind}]").check()
    page.locator("#note").fill(note)
    page.locator("form:has(#note) button[type=submit]").click()
    page.wait_for_load_state()
    return page.locator(".flashes").inner_text()


def test_an_educator_writes_checks_previews_and_publishes_a_course(
    page_for, axe_source, server_env, tmp_path
):
    page = page_for("en")
    login(page, "educator@example.com")
    page.goto("/educator/courses/")
    check_accessibility(page, axe_source, "en-authoring-list")
    page.get_by_role("link", name="New course").click()
    page.wait_for_load_state()
    # Sent empty: every field says what it needs.
    page.locator("form:has(#slug) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 3
    check_accessibility(page, axe_source, "en-authoring-new-course-errors")
    page.locator("#slug").fill(SLUG)
    page.locator("#title").fill("Receiving cell products")
    page.locator("#summary").fill("How a nurse receives and stores a cell product.")
    page.get_by_label("Nurse", exact=True).check()
    page.locator("form:has(#slug) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/educator/courses/{SLUG}/")
    check_accessibility(page, axe_source, "en-authoring-course")

    new_file(page, "01-arrival.md", MODULE)
    new_file(page, "01-arrival.quiz.md", QUIZ_WRONG)
    problem = page.locator(".file-problems li")
    assert problem.count() == 1
    assert "Line 9" in problem.inner_text()
    assert "question 2 has no correct choice" in problem.inner_text()
    assert "question 2 has no correct choice" in page.locator("#L9").inner_text()
    assert "## Where is the product kept" in page.locator("#L9 code").inner_text()
    check_accessibility(page, axe_source, "en-authoring-editor-with-problem")
    # The script puts the cursor on that line of the text.
    problem.locator("a.line-link").click()
    selected = page.evaluate(
        "() => { const t = document.querySelector('#text');"
        " return t.value.slice(t.selectionStart, t.selectionEnd); }"
    )
    assert selected == "## Where is the product kept until it is used?"
    edit_file(page, "01-arrival.quiz.md", QUIZ)
    assert page.locator(".file-problems").count() == 0
    new_file(page, "01-arrival.quiz.sv.md", QUIZ_SV)
    page.goto(f"/educator/courses/{SLUG}/check")
    assert "No problems" in page.locator("main").inner_text()
    check_accessibility(page, axe_source, "en-authoring-check")

    page.goto(f"/educator/courses/{SLUG}/preview/en/")
    check_accessibility(page, axe_source, "en-authoring-preview-course")
    page.locator(".preview-bar a[lang=sv]").click()
    page.locator(".module-list a").first.click()
    page.wait_for_load_state()
    check_accessibility(page, axe_source, "en-authoring-preview-module-sv")
    page.get_by_role("link", name="Take the quiz").click()
    page.wait_for_load_state()
    assert "Vem signerar för försändelsen?" in page.locator("form.quiz-form").inner_text()
    check_accessibility(page, axe_source, "en-authoring-preview-quiz-sv")
    page.get_by_label("Den mottagande sjuksköterskan eller farmaceuten").check()
    page.get_by_label("På avdelningen").check()
    page.locator("form.quiz-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Would not pass" in page.locator(".quiz-summary").inner_text()
    assert "Produktresumén säger hur den förvaras." in page.locator("main").inner_text()
    check_accessibility(page, axe_source, "en-authoring-preview-quiz-feedback")

    page.goto(f"/educator/courses/{SLUG}/publish")
    check_accessibility(page, axe_source, "en-authoring-publish-first")
    assert "Version 1.0.0 is published." in publish(page)

    learner = page_for("sv")
    register(learner, "sv", name="Lina Lärande")
    learner.goto(f"/courses/{SLUG}/")
    learner.locator("form[action$='/enrol'] button").click()
    learner.wait_for_load_state()
    learner.goto(f"/courses/{SLUG}/arrival/")
    assert "recieve" in learner.locator("article").inner_text()
    start_quiz(learner, f"/courses/{SLUG}/quiz/arrival/")  # a GET never starts an attempt
    learner.get_by_label("Den mottagande sjuksköterskan eller farmaceuten").check()
    learner.get_by_label("I gasfasen över flytande kväve").check()
    learner.locator("form.quiz-form button[type=submit]").click()
    learner.wait_for_load_state()
    assert "Godkänd" in learner.locator(".quiz-outcome").inner_text()

    edit_file(page, "01-arrival.md", MODULE.replace("recieve", "receive"))
    page.goto(f"/educator/courses/{SLUG}/publish")
    check_accessibility(page, axe_source, "en-authoring-publish-update")
    assert "Version 1.0.1 is published." in publish(page, "patch", "Fixed a typo.")
    learner.goto(f"/courses/{SLUG}/arrival/")
    assert "receive the product" in learner.locator("article").inner_text()

    page.goto(f"/educator/courses/{SLUG}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as ZIP").click()
    archive = tmp_path / "draft.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path / "unpacked")
    folder = tmp_path / "unpacked" / SLUG
    assert "version: 1.0.1" in (folder / "course.md").read_text()
    checked = subprocess.run(
        [sys.executable, "-m", "flask", "lms", "check-courses", str(folder)],
        env=server_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no problems" in checked.stdout


def test_authoring_pages_pass_axe_in_swedish(page_for, axe_source):
    page = page_for("sv")
    login(page, "educator@example.com")
    page.goto("/educator/courses/")
    check_accessibility(page, axe_source, "sv-authoring-list")
    page.goto("/educator/courses/new")
    check_accessibility(page, axe_source, "sv-authoring-new-course")
    page.locator("#slug").fill("sv-utkast")
    page.locator("#title").fill("Svensk kurs")
    page.locator("#summary").fill("En kurs på svenska.")
    page.locator("#language").select_option("sv")
    page.get_by_label("Sjuksköterska", exact=True).check()
    page.locator("form:has(#slug) button[type=submit]").click()
    page.wait_for_load_state()
    check_accessibility(page, axe_source, "sv-authoring-course")
    page.goto("/educator/courses/sv-utkast/new-file")
    check_accessibility(page, axe_source, "sv-authoring-new-file")
    new_text = "---\ntitle: Modul\nminutes: noll\n---\nText.\n"
    page.locator("#name").fill("01-modul.md")
    page.locator("#text").fill(new_text)
    page.locator("form.editor-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "måste vara ett heltal större än 0" in page.locator(".file-problems").inner_text()
    check_accessibility(page, axe_source, "sv-authoring-editor-with-problem")
    page.goto("/educator/courses/sv-utkast/check")
    check_accessibility(page, axe_source, "sv-authoring-check")
    page.goto("/educator/courses/sv-utkast/publish")
    check_accessibility(page, axe_source, "sv-authoring-publish-blocked")
    page.goto("/educator/courses/sv-utkast/preview/sv/")
    check_accessibility(page, axe_source, "sv-authoring-preview-blocked")
    page.goto("/educator/courses/sv-utkast/upload-zip")
    check_accessibility(page, axe_source, "sv-authoring-upload-zip")
    page.goto("/educator/courses/sv-utkast/upload-picture")
    check_accessibility(page, axe_source, "sv-authoring-upload-picture")
    page.goto("/educator/courses/sv-utkast/delete/01-modul.md")
    check_accessibility(page, axe_source, "sv-authoring-delete")
    # A course still managed in courses/ (git) offers the import (site admins see it all).
    admin = page_for("sv")
    login(admin, "admin@example.com")
    admin.goto("/educator/courses/car-t-nursing/")
    assert "Importera till appen" in admin.locator("main").inner_text()
    check_accessibility(admin, axe_source, "sv-authoring-git-course")
