"""Splitting rendered text into pieces that fit a platform's limit, without losing or breaking any of it.

Used where a platform caps one text (Slack: 3,000 characters a section; Discord: 2,000 a message, 4,096 an
embed description) so long user text is shown whole across several pieces instead of clipped."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """`text` as consecutive pieces of at most `limit` characters whose concatenation is `text`.

    Cuts after a newline or a space where one is in the second half of a piece, never inside a `<…>`
    token (mentions, dates, links), an `&…;` entity or right after a backslash escape."""
    if limit < 16:
        raise ValueError("limit too small to split safely")
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = _cut(rest, limit)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _cut(text: str, limit: int) -> int:
    window = text[:limit]
    cut = limit
    for sep in ("\n", " "):
        at = window.rfind(sep)
        if at >= limit // 2:
            cut = at + 1
            break
    head = text[:cut]
    # Not inside a <…> token or an &…; entity (both are short), not splitting "\x".
    opened = head.rfind("<")
    if opened > head.rfind(">") and cut - opened < 512 and opened > 0:
        cut = opened
    amp = head.rfind("&")
    if amp > head.rfind(";") and cut - amp < 10 and amp > 0:
        cut = amp
    trailing = len(text[:cut]) - len(text[:cut].rstrip("\\"))
    if trailing % 2 and cut > 1:
        cut -= 1  # keep an escape and the character it escapes together
    return cut
