"""Text from the source as this project writes it: plain text, slugs and folded names.

HTML becomes plain text on one line (tags removed, entities decoded, a link kept as "text (url)"), and so does
Markdown link and emphasis syntax: no markup reaches the agenda.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser


class _TextOnly(HTMLParser):
    """The text of an HTML fragment: blocks become spaces, a link "text (url)", scripts and styles nothing."""

    _BLOCKS = {"p", "br", "div", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5", "h6",
               "blockquote", "hr", "dd", "dt"}
    _HIDDEN = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str | None, int]] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append(" ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href"), len(self.parts)))

    def handle_endtag(self, tag):
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append(" ")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.parts[start:]).strip()
            if href and href.startswith(("http://", "https://")) and href.rstrip("/") not in text:
                self.parts.append(f" ({href})" if text else href)

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<!--.*?-->", re.S)
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*([^)\s]+)[^)]*\)")


def plain_text(value: object) -> str:
    """Metadata as one line of plain text: no HTML, no Markdown link or emphasis syntax."""
    if value is None or isinstance(value, (dict, bool)):
        return ""
    if isinstance(value, list):
        return "; ".join(text for text in (plain_text(item) for item in value) if text)
    text = str(value)
    for _ in range(3):  # "&lt;p&gt;" decodes to a tag, which the next pass removes
        parser = _TextOnly()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
        if not _TAG.search(text):
            break
    text = _TAG.sub(" ", text)
    text = _MARKDOWN_LINK.sub(lambda m: f"{m[1]} ({m[2]})" if m[1] and m[1] != m[2] else m[2], text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"(^|\s)#{1,6}\s", " ", text)
    return " ".join(text.split())


def slug(text: str, separator: str = "-") -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", separator, folded).strip(separator)


def fold(name: str) -> str:
    """A name as compared: lower case, single spaces, underscores as spaces."""
    return " ".join(name.replace("_", " ").split()).casefold()


def natural_key(indicator: str) -> tuple:
    """Sorts indicator ids by their numbers: 1-2-1 before 1-10-1."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in indicator.split("-"))
