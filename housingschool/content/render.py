"""Markdown to safe HTML, done once per lesson when the catalogue loads."""

import re
from pathlib import Path

import markdown
import nh3

MEDIA_PREFIX = "/course-media"
PICTURE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
PICTURE_TYPES = {".svg", ".png", ".jpg", ".jpeg", ".webp"}
# Raw HTML in Markdown: a tag or comment, but not an autolink like <https://lovdata.no>.
RAW_HTML = re.compile(r"<(?!(?:https?|mailto|tel):)\s*(?:[A-Za-z!/?])")
CODE_SPAN = re.compile(r"`[^`]*`")

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "img", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "br", "hr", "code", "pre",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}


def _media_url(module_slug: str, src: str) -> str | None:
    """Map a picture path relative to the module folder to its URL; None drops the picture."""
    if src.startswith("img/") and ".." not in src:
        return f"{MEDIA_PREFIX}/{module_slug}/{src.removeprefix('img/')}"
    return None


def render_markdown(source: str, module_slug: str) -> str:
    """Render a lesson's Markdown and sanitise it with an allow-list.

    Pictures must live in the module's img/ folder: nothing is loaded from other sites, which
    protects participants' privacy and their prepaid data.
    """
    html = markdown.markdown(source, extensions=["sane_lists", "tables"], output_format="html")

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return _media_url(module_slug, value)
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
    )


def is_module_picture(folder: Path, src) -> bool:
    """Whether `src` names a picture file inside the module folder's img/."""
    if not isinstance(src, str) or not src.startswith("img/"):
        return False
    target = (folder / src).resolve()
    return (folder.resolve() in target.parents and target.is_file()
            and target.suffix.lower() in PICTURE_TYPES)


def markdown_problems(body: str, first_line: int, folder: Path) -> list[tuple[int, str]]:
    """(line, message) for raw HTML, pictures without alt text, and pictures that are not
    files in the module's img/ folder. Code blocks and code spans are not checked."""
    problems, fenced = [], False
    for number, line in enumerate(body.splitlines(), start=first_line):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if fenced or line.startswith("    "):
            continue
        prose = CODE_SPAN.sub("", line)
        if RAW_HTML.search(prose):
            problems.append((number, "raw HTML is not allowed in lessons; use Markdown"))
        for alt, src in PICTURE.findall(prose):
            if not alt.strip():
                problems.append((number, f"picture {src!r} needs alt text: ![what it shows]"))
            if not is_module_picture(folder, src):
                problems.append((number, f"broken picture link {src!r}: pictures must be files "
                                 f"in {folder.name}/img/"))
    return problems


SENTENCE_END = re.compile(r"[.!?;:։።፧؟]+(?:\s|$)")
MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|[#*_>`\[\]|]")


def text_statistics(body: str) -> tuple[int, int]:
    """(words, sentences) in a lesson body, for reading time and sentence length.

    Headings are titles, not sentences, and are left out; a list item without a full stop
    counts as one sentence, as a reader takes it.
    """
    words = sentences = 0
    for line in body.splitlines():
        if line.lstrip().startswith("#"):
            continue
        line = MARKUP.sub(" ", line)
        line = re.sub(r"^\s*(?:[-+]|\d+\.)\s+", "", line)
        for part in SENTENCE_END.split(line):
            count = len([w for w in part.split() if any(c.isalnum() for c in w)])
            if count:
                words += count
                sentences += 1
    return words, sentences


# Digit groups separated by spaces ("55 55 33 39", "5 000 kr") are separate runs to the Unicode
# bidi algorithm, so right-to-left text would show them in reverse order ("39 33 55 55").
# Wrapping each number in a left-to-right isolate (invisible LRI ... PDI) keeps it whole.
NUMBER_GROUPS = re.compile(r"(?<![\w\u2066])(?<!\d[ \u00a0])\d+(?:[ \u00a0]\d+)+(?![\w\u2069])")
LRI, PDI = "\u2066", "\u2069"


def isolate_numbers(value):
    """The same text (or list or table of texts) with every grouped number isolated."""
    if isinstance(value, str):
        return NUMBER_GROUPS.sub(lambda m: LRI + m.group(0) + PDI, value)
    if isinstance(value, list):
        return [isolate_numbers(item) for item in value]
    if isinstance(value, dict):
        return {key: isolate_numbers(item) for key, item in value.items()}
    return value
