"""QR codes as inline SVG (segno): no image files, no network, no inline styles."""

import segno


def qr_svg(link: str) -> str:
    """An SVG QR code for `link`, sized by CSS; safe to insert into a page."""
    return segno.make(link, error="m").svg_inline(scale=4, border=2, omitsize=True,
                                                  title=None, dark="#000", light="#fff")
