"""Changes on Python-Markdown's rendered tree, so that it reads as a CommonMark preview's.

A list is loose or tight as a whole (CommonMark 0.31.2, 5.3): when any of its items has
paragraphs, every item has. Python-Markdown wraps only the items that had a blank line before
them, so one list showed items with and without spacing.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

_BLOCKS = {"ul", "ol", "pre", "blockquote", "div", "table", "p", "hr", "dl"} | {
    f"h{n}" for n in range(1, 7)
}


def even_list_spacing(root) -> None:
    """On the rendered tree: a list whose items have paragraphs has them in every item (a
    loose list, CommonMark 5.3), and an item's text ends before a nested block with a line
    break, as CommonMark renderers write it. Python-Markdown wraps only the items that had a
    blank line before them, so one list showed items with and without spacing."""
    for parent in root.iter():
        if parent.tag in ("ul", "ol"):
            items = [li for li in parent if li.tag == "li"]
            if any(child.tag == "p" for li in items for child in li):
                for li in items:
                    _wrap_text(li)
        if parent.tag == "li" and len(parent) and parent[0].tag in _BLOCKS and parent.text:
            parent.text = parent.text.rstrip() + "\n"


def _wrap_text(li) -> None:
    """Put the item's leading text and inline elements into a paragraph of their own."""
    inline = []
    for child in li:
        if child.tag in _BLOCKS:
            break
        inline.append(child)
    text = (li.text or "").strip()
    if not text and not inline:
        return
    paragraph = Element("p")
    paragraph.text = text
    for child in inline:
        li.remove(child)
        paragraph.append(child)
    if paragraph:
        paragraph[-1].tail = (paragraph[-1].tail or "").rstrip()
    li.text = ""
    li.insert(0, paragraph)
