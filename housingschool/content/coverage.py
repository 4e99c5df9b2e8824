"""How complete the course is per language: the table `courses check` prints."""

from housingschool.content.catalogue import Catalogue
from housingschool.i18n import LANGUAGES

COMPLETE, DRAFT, MISSING = "complete", "draft", "missing"


def coverage(catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """Module × language: complete (every lesson there and reviewed), draft (every lesson there,
    some still draft) or missing (some lesson not translated)."""
    table = {}
    for module in catalogue.modules:
        row = {}
        for language in LANGUAGES:
            texts = [lesson.texts.get(language.code) for lesson in module.lessons]
            if not all(texts):
                row[language.code] = MISSING
            elif all(t.status == "reviewed" for t in texts):
                row[language.code] = COMPLETE
            else:
                row[language.code] = DRAFT
        table[module.slug] = row
    return table


def language_statistics(catalogue: Catalogue) -> dict[str, tuple[int, int, float]]:
    """Per language: lessons present, lessons in the course, average words per sentence."""
    lessons = [lesson for module in catalogue.modules for lesson in module.lessons]
    result = {}
    for language in LANGUAGES:
        texts = [lesson.texts[language.code] for lesson in lessons
                 if language.code in lesson.texts]
        sentences = sum(t.sentences for t in texts)
        average = sum(t.words for t in texts) / sentences if sentences else 0.0
        result[language.code] = (len(texts), len(lessons), average)
    return result


def format_report(catalogue: Catalogue) -> str:
    """The coverage table and the per-language figures, as plain text."""
    codes = [language.code for language in LANGUAGES]
    width = max(len(m.slug) for m in catalogue.modules)
    lines = ["Coverage (complete = all lessons reviewed; draft = all there, some draft):",
             " ".join([" " * width, *(f"{c:<8}" for c in codes)]).rstrip()]
    for slug, row in coverage(catalogue).items():
        lines.append(" ".join([f"{slug:<{width}}", *(f"{row[c]:<8}" for c in codes)]).rstrip())
    lines.append("")
    lines.append("Per language: lessons present, average words per sentence (aim 8-12); the quiz")
    lines.append("ids and options of every lesson present match module.toml (checked above):")
    for code, (present, total, average) in language_statistics(catalogue).items():
        lines.append(f"  {code:<6} {present:>3}/{total} lessons   {average:4.1f} words/sentence")
    return "\n".join(lines)
