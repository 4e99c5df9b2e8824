"""Markdown to safe HTML, done once per lesson when the catalogue loads."""

import markdown
import nh3

MEDIA_PREFIX = "/course-media"

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
