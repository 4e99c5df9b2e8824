"""Side by side: a lesson's paragraphs in the reader's language next to the bokmål ones.

The lesson HTML was rendered and sanitised when the catalogue loaded; here it is only cut into
its blocks (headings, paragraphs, list items, tables, quotes), never changed, so the pieces stay
as safe as the whole.
"""

from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

LISTS = {"ul", "ol"}
VOID = {"br", "hr", "img"}


@dataclass(frozen=True)
class Block:
    """One block of a lesson: its tag ("p", "h2", "li", ...), its HTML, and for list items
    the list they belong to ("ul" or "ol") and their number in it."""

    tag: str
    html: str
    list_tag: str | None = None
    number: int = 0

    @property
    def picture_only(self) -> bool:
        """A paragraph holding just a picture: shown once, not once per language."""
        return self.tag == "p" and self.html.lstrip().startswith("<img") and \
            self.html.rstrip().endswith(">") and self.html.count("<") == 1


class _Splitter(HTMLParser):
    """Finds where each top-level element (and each item of a top-level list) starts and ends."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source, self.blocks, self.depth = source, [], 0
        # HTMLParser counts lines at "\n" only (str.splitlines would also split at U+2028).
        self.line_starts = [0] + [i + 1 for i, c in enumerate(source) if c == "\n"]
        self.open_at, self.list_tag, self.number = None, None, 0

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            if self.depth == 0:  # a stray <hr> or <img> between blocks
                start = self.position()
                self.blocks.append(Block(tag, self.source[start:start + len(
                    self.get_starttag_text())]))
            return
        self.depth += 1
        if self.depth == 1 and tag in LISTS:
            self.list_tag, self.number = tag, 0
        elif self.depth == 1 or (self.depth == 2 and self.list_tag and tag == "li"):
            self.open_at = (tag, self.position() + len(self.get_starttag_text()))
            if tag == "li":
                self.number += 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.open_at and self.depth in (1, 2) and tag == self.open_at[0]:
            inner = self.source[self.open_at[1]:self.position()]
            in_list = self.depth == 2
            self.blocks.append(Block(tag, inner.strip(), self.list_tag if in_list else None,
                                     self.number if in_list else 0))
            self.open_at = None
        if self.depth == 1 and tag in LISTS:
            self.list_tag = None
        self.depth -= 1


@lru_cache(maxsize=1024)
def blocks(html: str) -> tuple[Block, ...]:
    """The blocks of a rendered lesson, in order (the catalogue never changes while running,
    so each lesson text is cut once)."""
    splitter = _Splitter(html)
    splitter.feed(html)
    splitter.close()
    return tuple(splitter.blocks)


def pair_blocks(own_html: str, norwegian_html: str) -> list[tuple[Block, Block]] | None:
    """The two texts' blocks paired by position, or None if they do not line up (a different
    number of blocks, or a heading beside a paragraph): then show the two texts one after the
    other."""
    own, norwegian = blocks(own_html), blocks(norwegian_html)
    if len(own) != len(norwegian):
        return None
    if any((a.tag, a.list_tag) != (b.tag, b.list_tag) for a, b in zip(own, norwegian,
                                                                       strict=True)):
        return None
    return list(zip(own, norwegian, strict=True))
