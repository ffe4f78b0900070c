"""Reflow (WCAG 2.1 SC 1.4.10): at 320 and 390 CSS px nothing scrolls sideways, on every
page a learner and a centre admin reach by following links from their navigation; wide
tables scroll inside their own box. At 1280 px the main navigation fits one line.

The pages are found by following the links of each page (same site, GET only), so a new
page is checked without being listed here; addresses that differ only in numbers count once.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import ARTIFACTS, WCAG_TAGS, check_accessibility, login
from tests.e2e.steps import (
    PASSWORD,
    answer_quiz,
    complete_course,
    course_doc,
    quiz_link,
    quiz_questions,
    register,
    slug_of,
    start_quiz,
)

WIDTHS = (320, 390)
MAX_PAGES = 70
SKIP = re.compile(
    r"\.(pdf|csv|xlsx|json|png|svg|zip|jsonld)$|^/static/|/assets/|^/auth/logout|"
    r"^/certificates/public-key|/status-list|^/healthz|/download"
)

# The widest thing on the page and its width, to say what to fix when the check fails.
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  let worst = null;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > limit + 1 && (!worst || r.right > worst.right)) {
      let scroller = el.parentElement, inside = false;
      while (scroller && scroller !== document.body) {
        const o = getComputedStyle(scroller).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') { inside = true; break; }
        scroller = scroller.parentElement;
      }
      if (!inside) worst = {right: r.right, tag: el.tagName, cls: el.className,
                            text: (el.textContent || '').trim().slice(0, 40)};
    }
  }
  return worst;
}"""


def _pattern(path: str) -> str:
    """One page per shape: /centre/people/12 and /centre/people/13 are the same page."""
    return re.sub(r"\d+", "N", path)


def _links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIP.search(parts.path):
            found.append(path)
    return found


def _page_width(page) -> tuple[int, int]:
    return page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


def axe_problems(page, axe_source: str) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA findings on the page as it is (no screenshot)."""
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(str(node["target"][0]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


def check_reflow_everywhere(page, starts: list[str], axe_source: str | None = None) -> list[str]:
    """Visit the pages reachable from ``starts``; returns the problems found (empty: fine).
    With ``axe_source``, every page is also checked with axe-core at 390 px."""
    seen, queue, visited, problems = set(), list(starts), [], []
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        shape = _pattern(path.split("?")[0])
        if shape in seen:
            continue
        seen.add(shape)
        response = page.goto(path)
        if (
            response is None
            or response.status >= 400
            or "html" not in (response.headers.get("content-type", ""))
        ):
            continue
        visited.append(path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            scroll, _client = _page_width(page)
            if scroll > width:
                problems.append(f"{path} at {width}px: {scroll}px wide; {page.evaluate(WIDEST)}")
            if axe_source and width == 390:
                problems += [f"{path} at 390px: {p}" for p in axe_problems(page, axe_source)]
        page.set_viewport_size({"width": 1280, "height": 800})
        queue.extend(_links(page))
    assert len(visited) >= 5, visited
    return problems


def screenshots(page, name: str) -> None:
    """Full-page pictures at a phone's and a laptop's width, for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_learner_pages_reflow_at_320_and_390(page_for, axe_source):
    page = page_for("sv")
    register(page, "sv", name="Sigrid Smal-Skärm")
    course = "safe-handling"
    page.goto(f"/courses/{course}/")
    page.locator("form[action$='/enrol'] button").click()
    page.wait_for_load_state()
    for module in course_doc(course).modules:
        page.goto(f"/courses/{course}/{module.slug}/")
        path = quiz_link(page)
        start_quiz(page, path)
        answer_quiz(page, quiz_questions(course, slug_of(path), "sv"), right=True)
    # The last quiz's result: the course is complete, the certificate is there.
    assert "Du har genomfört kursen" in page.locator(".course-complete").inner_text()
    assert page.locator(".cert-finish a[href$='.pdf']").count() == 1
    screenshots(page, "sv-learner-finish")
    page.set_viewport_size({"width": 390, "height": 800})
    check_accessibility(page, axe_source, "sv-learner-finish-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/courses/?audience=all")
    assert page.locator(".card-state .state-completed").count() >= 1
    screenshots(page, "sv-catalogue-with-states")
    page.set_viewport_size({"width": 390, "height": 800})
    check_accessibility(page, axe_source, "sv-catalogue-with-states-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    problems = check_reflow_everywhere(
        page,
        ["/me/", "/courses/", "/courses/atmp-fundamentals/", "/courses/car-t-nursing/"],
        axe_source,
    )
    assert problems == [], "\n".join(problems)


def test_centre_admin_pages_reflow_at_320_and_390(page_for, axe_source):
    page = page_for("en")
    login(page, "centre-admin@example.com")
    problems = check_reflow_everywhere(
        page, ["/centre/", "/centre/assignments", "/me/"], axe_source
    )
    assert problems == [], "\n".join(problems)


def test_module_tables_scroll_in_their_own_box(page_for, axe_source):
    page = page_for("en")
    register(page, "en", name="Tove Table")
    page.goto("/courses/atmp-fundamentals/")
    page.locator("form[action$='/enrol'] button").click()
    page.wait_for_load_state()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/courses/atmp-fundamentals/what-is-an-atmp/")
    assert page.locator(".prose .table-scroll table").count() >= 1
    assert _page_width(page)[0] <= 390
    check_accessibility(page, axe_source, "en-module-table-390")


@pytest.mark.parametrize("email", ["centre-admin@example.com", "admin@example.com"])
@pytest.mark.parametrize("locale", ["en", "sv"])
def test_navigation_fits_one_line_at_1280(page_for, email, locale):
    page = page_for(locale)
    login(page, email)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/me/")
    tops = page.eval_on_selector_all(
        ".site-header .nav > li", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) >= 4
    assert len(set(tops)) == 1, tops
    brand, lang = (
        page.locator(sel).bounding_box() for sel in (".site-header .brand", ".lang-form")
    )
    assert abs(brand["y"] - lang["y"]) < brand["height"], (brand, lang)
    # The staff tools are one menu away, without JavaScript too (details/summary).
    menu = page.locator(".nav-more summary")
    if menu.count():
        menu.click()
        assert page.locator(".nav-more a[href='/centre/assignments']").is_visible()


@pytest.mark.parametrize("locale", ["en", "sv"])
def test_an_educator_who_is_also_centre_admin_gets_both_menus_on_one_line(page_for, locale):
    """A site admin ticks two roles on the person's page; the person's navigation holds the
    pages of both (never a site admin's) and still fits one line at 1280 px."""
    page = page_for(locale)
    email = register(page, locale, name="Tora Tvåroll")
    page.locator("form[action$='/auth/logout'] button").click()
    page.wait_for_load_state()
    login(page, "admin@example.com")
    page.goto(f"/admin/users?q={email}")
    page.locator("main a", has_text="Tora Tvåroll").first.click()
    page.wait_for_load_state()
    page.locator("#roles input[value=educator]").check()
    page.locator("#roles input[value=centre_admin]").check()
    page.locator("#centre").select_option(index=1)
    page.locator("#reason").fill("Leads the unit's training")
    page.locator("form:has(#roles) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#roles input[value=centre_admin]").is_checked()
    page.locator("form[action$='/auth/logout'] button").click()
    page.wait_for_load_state()
    login(page, email, PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/me/")
    tops = page.eval_on_selector_all(
        ".site-header .nav > li", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    hrefs = set(
        page.eval_on_selector_all(
            ".site-header nav a", "els => els.map(e => e.getAttribute('href'))"
        )
    )
    assert {"/educator/courses/", "/educator/quizzes/", "/centre/members"} <= hrefs, hrefs
    assert "/admin/users" not in hrefs


@pytest.mark.parametrize(
    ("email", "starts"),
    [
        ("educator@example.com", ["/educator/quizzes/", "/educator/courses/"]),
        ("admin@example.com", ["/admin/users", "/centre/", "/records/audit"]),
    ],
)
def test_staff_pages_reflow_at_320_and_390(page_for, axe_source, email, starts):
    """Educators' and site admins' pages too, in Swedish (the longer words): a table placed
    straight in <main> scrolled the whole page at 390 px (seen by a new user)."""
    page = page_for("sv")
    login(page, email)
    problems = check_reflow_everywhere(page, starts, axe_source)
    assert problems == [], "\n".join(problems)


TABLE_FIT = """() => {
  const box = document.querySelector('main .table-scroll:has(table.report-people)');
  const table = box.querySelector('table');
  const headers = [...table.querySelectorAll('thead th')];
  const expiry = headers[headers.length - 1].getBoundingClientRect();
  return {scroll: box.scrollWidth, client: box.clientWidth, table: table.scrollWidth,
          expiryRight: expiry.right, expiryWidth: expiry.width,
          viewport: document.documentElement.clientWidth,
          page: document.documentElement.scrollWidth,
          widths: headers.map(h => Math.round(h.getBoundingClientRect().width))};
}"""


def _long_named_person(page, tmp_path, locale: str) -> None:
    """Someone with a long name and a long work address, imported into a course with a long
    title, as a region's HR file gives them (they make the widest row)."""
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "email;name;profession\n"
        f"anna-karin.lindqvist-johansson.{locale}@regionstockholm-karolinska.example.com;"
        "Anna-Karin Lindqvist-Johansson Wahlström;sjuksköterska\n",
        encoding="utf-8",
    )
    page.goto("/centre/import")
    title = course_doc("car-t-receipt-storage-thaw").translated(locale).title
    page.locator("#course").select_option(label=title)
    page.locator("#file").set_input_files(str(staff))
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("form[action^='/centre/import/'] button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("locale", ["en", "sv"])
def test_centre_people_table_fits_1280_and_scrolls_in_its_box_on_phones(page_for, tmp_path, locale):
    """At 1280 px the people table fits without sideways scrolling and its last column
    (expiry) is in view; at 390 and 320 px it scrolls inside its own box, not the page."""
    page = page_for(locale)
    login(page, "centre-admin@example.com")
    page.set_viewport_size({"width": 1280, "height": 900})
    _long_named_person(page, tmp_path, locale)
    page.goto("/centre/people")
    assert "Lindqvist-Johansson" in page.locator("table.report-people").inner_text()
    fit = page.evaluate(TABLE_FIT)
    assert fit["scroll"] <= fit["client"], fit
    assert fit["expiryRight"] <= fit["viewport"], fit
    assert fit["expiryWidth"] > 0, fit
    expiry = "Expires on" if locale == "en" else "Giltigt till"
    assert page.locator("table.report-people thead th").last.inner_text() == expiry
    assert page.locator("table.report-people thead th").last.is_visible()
    screenshots(page, f"{locale}-centre-people")
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 900})
        narrow = page.evaluate(TABLE_FIT)
        assert narrow["page"] <= width, narrow
        assert narrow["scroll"] > narrow["client"], narrow  # the box scrolls, not the page


@pytest.mark.parametrize(
    ("locale", "email", "starts"),
    [
        ("en", "nurse@example.com", ["/me/", "/courses/", "/courses/car-t-nursing/"]),
        ("sv", "centre-admin@example.com", ["/centre/", "/centre/assignments", "/me/"]),
        ("en", "educator@example.com", ["/educator/quizzes/", "/educator/courses/"]),
        ("en", "admin@example.com", ["/admin/users", "/centre/", "/records/audit"]),
    ],
)
def test_every_page_in_the_other_language_reflows_and_passes_axe_at_390(
    page_for, axe_source, locale, email, starts
):
    """With the tests above, every role's pages in both languages: no sideways scrolling at
    320 and 390 px, and axe-core finds nothing at 390 px (one browser, one login each)."""
    page = page_for(locale)
    login(page, email)
    problems = check_reflow_everywhere(page, starts, axe_source)
    assert problems == [], "\n".join(problems)


IN_VIEW = """sel => {
  const el = document.querySelector(sel);
  const r = el.getBoundingClientRect();
  return {left: r.left, right: r.right, width: document.documentElement.clientWidth,
          scrollX: window.scrollX,
          label: getComputedStyle(el.closest('tr').querySelector('td[data-label]'),
                                  '::before').content};
}"""


def assert_action_in_view(page, path: str, action: str) -> None:
    """At 390 px ``action`` (a row's link) lies inside the viewport as ``path`` opens, its
    cell shows its column's name; at 1280 px the table is a table again."""
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(path)
    found = page.evaluate(IN_VIEW, action)
    assert found["scrollX"] == 0
    assert 0 <= found["left"] < found["right"] <= found["width"] == 390, found
    assert found["label"] not in ("none", "normal", "")  # the row's cells say their column
    assert _page_width(page)[0] <= 390
    page.set_viewport_size({"width": 1280, "height": 800})
    shown = page.evaluate("() => getComputedStyle(document.querySelector('table.stack')).display")
    assert shown == "table"


def test_certificate_actions_are_in_view_at_390_without_scrolling(page_for):
    """Issue 23: /me/'s certificates are one block per row on a phone: the PDF link is
    reached without scrolling sideways."""
    page = page_for("sv")
    register(page, "sv", name="Frida Fickformat")
    complete_course(page, "safe-handling", "sv")
    assert_action_in_view(page, "/me/", ".cert-panel table a[href$='.pdf']")


@pytest.mark.parametrize("locale", ["en", "sv"])
def test_assignment_actions_are_in_view_at_390_without_scrolling(page_for, locale):
    """Issue 23: /centre/assignments is one block per row on a phone: "Change" is reached
    without scrolling sideways, in either language."""
    page = page_for("en")
    login(page, "centre-admin@example.com")
    page.goto("/centre/assignments?person_q=pharmacist%40example.com")
    if page.locator("table a[href*='/centre/assignments/']").count() == 0:
        page.locator("#course").select_option(label=course_doc("atmp-fundamentals").title)
        page.locator("#person").select_option(index=1)
        page.get_by_role("button", name="Assign and enrol").click()
        page.wait_for_load_state()
    page = page_for(locale)
    login(page, "centre-admin@example.com")
    assert_action_in_view(page, "/centre/assignments", "table a[href*='/centre/assignments/']")
