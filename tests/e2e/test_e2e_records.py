"""In a real browser: a learner reads a course that asks for a signature and signs it with
their password; the centre admin downloads the inspection pack, which verifies offline.
Every page on the way passes axe-core."""

from __future__ import annotations

import zipfile

from tests.e2e.conftest import (
    DEMO_PASSWORD,
    SIGNED_SLUG,
    SIGNED_TITLE,
    check_accessibility,
    login,
)


def test_a_learner_signs_and_the_centre_admin_downloads_the_pack(page_for, axe_source, tmp_path):
    from lms.plugins.records.verify import verify

    page = page_for("en")
    login(page, "pharmacist@example.com")
    page.goto(f"/courses/{SIGNED_SLUG}/")
    page.locator("form[action$='/enrol'] button").click()
    page.wait_for_load_state()
    for number in (1, 2):
        page.goto(f"/courses/{SIGNED_SLUG}/module-{number}/")
        page.locator("form[action$='/complete'] button").click()
        page.wait_for_load_state()
    page.goto(f"/courses/{SIGNED_SLUG}/")
    panel = page.locator(".signature-panel")
    assert f"I have read and understood {SIGNED_TITLE}, version 1.0.0" in panel.inner_text()
    check_accessibility(page, axe_source, "en-records-sign-panel")
    panel.get_by_role("link", name="Sign the course").click()
    page.wait_for_load_state()
    check_accessibility(page, axe_source, "en-records-sign")
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Sign", exact=True).click()
    page.wait_for_load_state()
    assert "The password is wrong. Nothing was signed." in page.content()
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign", exact=True).click()
    page.wait_for_load_state()
    assert "Signed." in page.locator(".flash").first.inner_text()
    page.goto("/me/")
    certificate = page.locator("a[href$='.pdf']").first.get_attribute("href")
    code = certificate.rsplit("/", 1)[-1].removesuffix(".pdf")
    page.goto(certificate.removesuffix(".pdf"))
    assert "Signed acknowledgement" in page.content()

    admin = page_for("en")
    login(admin, "centre-admin@example.com")
    admin.goto("/centre/inspection-pack")
    check_accessibility(admin, axe_source, "en-records-inspection-pack")
    admin.locator("#course").select_option(label=SIGNED_TITLE)
    with admin.expect_download() as info:
        admin.get_by_role("button", name="Download the inspection pack").click()
    path = tmp_path / "pack.zip"
    info.value.save_as(path)
    verdict = verify(path)
    assert verdict.ok, verdict.problems
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert any(code.replace("-", "") in name.replace("-", "") for name in names), names
    admin.goto("/records/audit")
    check_accessibility(admin, axe_source, "en-records-audit")
    assert "Signed: read and understood" in admin.content()
