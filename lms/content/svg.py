"""SVG pictures may only draw: active content of any spelling is refused at the check.

An SVG is an XML document that can carry scripts, event handlers, links, embedded HTML and
references to other files. Opened directly from /courses/<course>/assets/ it would run on the
site's own origin; the sandboxing CSP that the asset view sends is the second wall, this
check is the first. It reads the picture with a real XML parser (defusedxml, which refuses
DOCTYPEs and entities, so no XML bomb or outside entity is ever expanded) with namespaces
resolved, so that `<x:script xmlns:x="http://www.w3.org/2000/svg">`, `<SCRIPT>`, a UTF-16
file or `&#106;avascript:` are seen for what they are; a pattern over the bytes is not.

Refused: scripts and event-handler elements in any namespace, `on*` attributes, HTML and
other active vocabularies (foreignObject, XHTML, XInclude, XML Events, XSLT), any reference
that leaves the picture (`href`/`xlink:href`/`src` not starting with `#`, `url(...)` not
starting with `#`, CSS `@import`), animations that set a link or a handler, processing
instructions and DOCTYPEs other than SVG 1.1's. Plain drawings from Inkscape, Illustrator
or draw.io pass.
Source: SVG 2 (W3C CR 2018) 15.2 (scripts), 15.4 (event attributes), 5.6 (references);
the OWASP XSS filter-evasion cheat sheet for the spellings.
"""

from __future__ import annotations

import io
import re
import xml.sax
from xml.sax.handler import ContentHandler

from defusedxml.common import DefusedXmlException, DTDForbidden
from defusedxml.expatreader import DefusedExpatParser

SVG_NS = "http://www.w3.org/2000/svg"
ACTIVE_NAMESPACES = {
    "http://www.w3.org/1999/xhtml": "HTML",
    "http://www.w3.org/2001/xml-events": "XML Events",
    "http://www.w3.org/2001/XInclude": "XInclude",
    "http://www.w3.org/1999/XSL/Transform": "XSLT",
    "http://www.mozilla.org/xbl": "XBL",
}
ACTIVE_ELEMENTS = {
    "script": "a script",
    "handler": "an event handler",
    "listener": "an event listener",
    "foreignobject": "embedded HTML",
    "iframe": "an embedded document",
    "frame": "an embedded document",
    "embed": "an embedded document",
    "object": "an embedded document",
    "applet": "an embedded program",
}
ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform", "animatecolor"}
REFERENCE_ATTRIBUTES = {"href", "src"}
_URL = re.compile(r"""url\(\s*(['"]?)\s*([^'")\s]*)""", re.IGNORECASE)
_IMPORT = re.compile(r"@import", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20]")
ADVICE = "pictures may only draw (save it again without it, or as PNG)"


# The DOCTYPE that Illustrator and older editors write; browsers never fetch it.
SVG_DTD = "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"


class _Parser(DefusedExpatParser):
    """defusedxml's SAX parser (no entities, nothing fetched) that lets the standard SVG
    1.1 DOCTYPE through and refuses any other, and every internal subset."""

    def __init__(self) -> None:
        super().__init__(forbid_dtd=False, forbid_entities=True, forbid_external=True)

    def _doctype(self, name, sysid, pubid, has_internal_subset) -> None:
        if has_internal_subset or sysid not in (None, SVG_DTD):
            raise DTDForbidden(name, sysid, pubid)

    def defused_external_entity_ref_handler(self, context, base, sysid, pubid):
        if context is None and sysid == SVG_DTD:
            return 1  # the DOCTYPE's DTD: known, and not read
        return super().defused_external_entity_ref_handler(context, base, sysid, pubid)

    def reset(self) -> None:
        super().reset()
        self._parser.StartDoctypeDeclHandler = self._doctype


def _split(qname: str) -> tuple[str, str]:
    prefix, _, local = qname.rpartition(":")
    return prefix, local


def _shown(value: str) -> str:
    value = value.strip()
    return value if len(value) <= 60 else value[:57] + "..."


class _Checker(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []
        self.locator = None
        self.depth = 0
        self.in_style = False
        # Namespaces are resolved here rather than by the parser, which then reports tags as
        # written (`x:script`), for messages the educator can find in the file.
        self.scopes: list[dict[str, str]] = [{}]

    def setDocumentLocator(self, locator) -> None:
        self.locator = locator

    def line(self) -> int:
        return self.locator.getLineNumber() if self.locator else 1

    def add(self, what: str) -> None:
        """Something active: `what` completes "the SVG picture has ..."."""
        self.found.append((self.line(), f"the SVG picture has {what}: {ADVICE}"))

    def processingInstruction(self, target: str, data: str) -> None:
        self.add(f"a processing instruction (<?{target} ...?>)")

    def _uri(self, prefix: str) -> str | None:
        for scope in reversed(self.scopes):
            if prefix in scope:
                return scope[prefix]
        return None

    def startElement(self, tag: str, attrs) -> None:
        scope = {}
        for name, value in attrs.items():
            if name == "xmlns" or name.startswith("xmlns:"):
                scope[name[6:]] = value
        self.scopes.append(scope)
        prefix, local = _split(tag)
        uri, local = self._uri(prefix), local.lower()
        if self.depth == 0 and (uri != SVG_NS or local != "svg"):
            message = f'the picture is not an SVG drawing: <{tag}> where <svg xmlns="{SVG_NS}">'
            self.found.append((self.line(), message + " should be"))
        self.depth += 1
        if uri in ACTIVE_NAMESPACES:
            self.add(f"{ACTIVE_NAMESPACES[uri]} elements (<{tag}>)")
        elif local in ACTIVE_ELEMENTS:
            self.add(f"{ACTIVE_ELEMENTS[local]} (<{tag}>)")
        self.in_style = local == "style"
        for attribute, value in attrs.items():
            if attribute != "xmlns" and not attribute.startswith("xmlns:"):
                self._attribute(local, attribute, value)

    def _attribute(self, element: str, attribute: str, value: str) -> None:
        name = _split(attribute)[1].lower()
        if name.startswith("on"):
            self.add(f"an event handler ({attribute}=...)")
        elif name in REFERENCE_ATTRIBUTES and not _INVISIBLE.sub("", value).startswith("#"):
            self.add(f"a reference to '{_shown(value)}' outside the picture")
        elif element in ANIMATIONS and name == "attributename":
            target = value.strip().lower().rsplit(":", 1)[-1]
            if target in REFERENCE_ATTRIBUTES or target.startswith("on"):
                self.add(f"an animation that changes '{value.strip()}'")
        self._style(value)

    def _style(self, text: str) -> None:
        for match in _URL.finditer(text):
            if not match.group(2).startswith("#"):
                self.add(f"a reference to '{_shown(match.group(2))}' outside the picture")
        if _IMPORT.search(text):
            self.add("a style that imports another file (@import)")

    def characters(self, content: str) -> None:
        if self.in_style:
            self._style(content)

    def endElement(self, tag: str) -> None:
        self.depth -= 1
        self.scopes.pop()
        self.in_style = False


def svg_problems(data: bytes) -> list[tuple[int, str]]:
    """What makes the SVG `data` more than a drawing, as (line, message) pairs in the order
    found (empty for a plain drawing). Never raises on any input."""
    checker = _Checker()
    parser = _Parser()
    parser.setContentHandler(checker)
    try:
        parser.parse(io.BytesIO(data))
    except DefusedXmlException:
        checker.add("a DOCTYPE of its own (entities and outside definitions are not allowed)")
    except xml.sax.SAXParseException as exc:
        reason = exc.getMessage()
        return [(exc.getLineNumber() or 1, f"the SVG picture is not well-formed XML ({reason})")]
    seen: set[str] = set()
    problems = []
    for line, message in checker.found:
        if message not in seen:
            seen.add(message)
            problems.append((line, message))
    return problems
