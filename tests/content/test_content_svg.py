"""SVG pictures: active content of any spelling is refused at the check; plain drawings pass.

The sandboxing CSP on /assets/ is the second wall; this is the first.
"""

import pytest

from lms.content import load_course
from lms.content.svg import svg_problems
from tests.content.helpers import write_files

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'


def svg(inner: str, attrs: str = "") -> str:
    return f'<svg {SVG_NS} {XLINK} width="10" height="10"{attrs}>{inner}</svg>'


ACTIVE = {
    "script": svg("<script>alert(1)</script>"),
    "cdata script": svg("<script><![CDATA[alert(1)]]></script>"),
    "prefixed script": '<x:svg xmlns:x="http://www.w3.org/2000/svg">'
    '<x:script xmlns:x="http://www.w3.org/2000/svg">alert(1)</x:script></x:svg>',
    "issue's spelling": svg('<x:script xmlns:x="http://www.w3.org/2000/svg">alert(1)</x:script>'),
    "upper-case script": svg("<SCRIPT>alert(1)</SCRIPT>"),
    "external script": svg('<script xlink:href="https://evil.example/x.js"/>'),
    "xhtml script": svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'),
    "onload": svg("", ' onload="alert(1)"'),
    "ONLOAD": svg("", ' ONLOAD="alert(1)"'),
    "handler in a namespace": svg(
        '<rect e:onclick="alert(1)" xmlns:e="http://www.w3.org/2000/svg"/>'
    ),
    "onbegin on an animation": svg('<animate onbegin="alert(1)" attributeName="x"/>'),
    "javascript link": svg('<a href="javascript:alert(1)"><text>x</text></a>'),
    "xlink javascript": svg('<a xlink:href="JaVaScRiPt:alert(1)"><text>x</text></a>'),
    "entity-encoded javascript": svg('<a xlink:href="&#106;avascript:alert(1)"><text>x</text></a>'),
    "javascript with a tab": svg('<a href="jav&#9;ascript:alert(1)"><text>x</text></a>'),
    "data image": svg('<image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/>'),
    "external use": svg('<use href="https://evil.example/x.svg#a"/>'),
    "protocol-relative image": svg('<image xlink:href="//evil.example/x.png"/>'),
    "foreignObject": svg(
        "<foreignObject><body xmlns='http://www.w3.org/1999/xhtml'>"
        "<iframe src='https://evil.example'/></body></foreignObject>"
    ),
    "foreignobject lower-case": svg("<foreignobject/>"),
    "internal entity": '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]>' + svg("&x;"),
    "billion laughs": '<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    + svg("<text>&b;</text>"),
    "external dtd": '<!DOCTYPE svg SYSTEM "https://evil.example/x.dtd">' + svg(""),
    "svg dtd with a subset": '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [<!ENTITY x "y">]>' + svg(""),
    "parameter entity": '<!DOCTYPE svg [<!ENTITY % p SYSTEM "https://evil.example/p">%p;]>'
    + svg(""),
    "stylesheet instruction": '<?xml-stylesheet href="https://evil.example/x.css"?>' + svg(""),
    "style import": svg("<style>@import url(https://evil.example/x.css);</style>"),
    "style external url": svg('<rect style="fill:url(https://evil.example/p.svg#g)"/>'),
    "presentation external url": svg("<rect fill=\"url('https://evil.example/p.svg#g')\"/>"),
    "set href": svg('<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>'),
    "animate xlink:href": svg(
        '<a><animate attributeName="xlink:href" values="javascript:alert(1)"/></a>'
    ),
    "set handler": svg('<rect><set attributeName="onmouseover" to="alert(1)"/></rect>'),
    "xml events": svg('<ev:listener xmlns:ev="http://www.w3.org/2001/xml-events" event="click"/>'),
    "svg tiny handler": svg('<handler type="application/ecmascript">alert(1)</handler>'),
    "xinclude": svg(
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="https://evil.example"/>'
    ),
    "iframe": svg('<iframe src="https://evil.example"/>'),
    "not svg at all": "<html><body><script>alert(1)</script></body></html>",
    "not well-formed": f"<svg {SVG_NS}><script>alert(1)</svg>",
}

PLAIN = {
    "rectangle": svg('<rect width="10" height="10" fill="#0b5c6b"/>'),
    "illustrator doctype": '<?xml version="1.0" encoding="utf-8"?>\n'
    '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' + svg("<circle r='3'/>"),
    "inkscape": (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        "<!-- Created with Inkscape (http://www.inkscape.org/) -->\n"
        f'<svg {SVG_NS} {XLINK} xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"'
        ' xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"'
        ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:cc="http://creativecommons.org/ns#"'
        ' sodipodi:docname="kylbox.svg" inkscape:version="1.3">'
        '<sodipodi:namedview id="base" inkscape:zoom="1"/>'
        '<metadata><rdf:RDF><cc:Work rdf:about=""><dc:title>Kylbox</dc:title>'
        "</cc:Work></rdf:RDF></metadata>"
        '<defs><linearGradient id="g"><stop offset="0" style="stop-color:#fff"/>'
        "</linearGradient></defs>"
        "<style>.a { fill: url(#g); }</style>"
        '<rect class="a" width="10" height="10" style="fill:url(#g)" fill="url(\'#g\')"/>'
        '<use xlink:href="#g" href="#g"/>'
        '<a href="#g"><text x="1" y="9">Kylbox å</text></a>'
        '<animate attributeName="opacity" from="0" to="1" dur="1s"/>'
        "<title>A cool box</title><desc>Drawn for the course</desc>"
        "</svg>"
    ),
}


@pytest.mark.parametrize("name", ACTIVE)
def test_active_svg_is_refused(name):
    assert svg_problems(ACTIVE[name].encode()), name


def test_active_svg_in_utf16_is_refused():
    text = '<?xml version="1.0" encoding="UTF-16"?>' + ACTIVE["issue's spelling"]
    assert svg_problems(text.encode("utf-16"))


@pytest.mark.parametrize("name", PLAIN)
def test_plain_svg_passes(name):
    assert svg_problems(PLAIN[name].encode()) == []


def test_the_check_names_the_line_and_what_is_wrong(tmp_path):
    picture = f"<svg {SVG_NS}>\n<rect/>\n" + '<x:script xmlns:x="http://www.w3.org/2000/svg">'
    picture += "alert(1)</x:script>\n</svg>\n"
    module = "---\ntitle: M\nminutes: 5\n---\n![A chart](images/chart.svg)\n"
    folder = write_files(tmp_path, {"images/chart.svg": picture, "01-intro.md": module})
    course, problems = load_course(folder)
    assert course is None
    assert [str(p) for p in problems] == [
        "courses/probe/images/chart.svg:3: the SVG picture has a script (<x:script>): "
        "pictures may only draw (save it again without it, or as PNG)"
    ]
