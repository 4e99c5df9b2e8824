"""Read courses/ into a Catalogue, collecting every problem with its file and line.

The loader never half-loads: load_catalogue() either returns a complete, valid catalogue or
raises ContentError listing every problem found, in the same words `flask courses check` prints.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from housingschool.content.catalogue import (
    Catalogue,
    Lesson,
    LessonText,
    Module,
    ModuleText,
    OptionText,
    Question,
    QuestionText,
)
from housingschool.content.questions import QUESTION_TYPES
from housingschool.content.render import (
    PICTURE,
    is_module_picture,
    isolate_numbers,
    markdown_problems,
    render_markdown,
    text_statistics,
)
from housingschool.i18n import BY_CODE

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STATUSES = ("draft", "reviewed")
LESSON_KEYS = {"title", "summary", "status", "sources", "key_points", "glossary"}
KEY_POINTS = 3
AUDIO_TYPES = ("ogg", "mp3")  # the order of <source>s: Opus/Vorbis first, it is smaller
TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True)
class Problem:
    """Something wrong in a content file."""

    path: Path
    line: int
    message: str

    def format(self, root: Path) -> str:
        """`path:line: message`, with the path relative to the course folder's parent."""
        try:
            shown = self.path.relative_to(root.parent)
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}: {self.message}"


class ContentError(RuntimeError):
    """The course content is invalid; the message lists every problem."""

    def __init__(self, problems: list[Problem], root: Path):
        self.problems = problems
        super().__init__(format_problems(problems, root))


def format_problems(problems: list[Problem], root: Path) -> str:
    """The report `courses check` prints and the app refuses to start with."""
    lines = [p.format(root) for p in problems]
    lines.append(f"{len(problems)} problem(s) in the course content in {root}.")
    return "\n".join(lines)


def load_catalogue(root: Path) -> Catalogue:
    """The valid catalogue in `root`, or ContentError naming every problem."""
    catalogue, problems = read_catalogue(Path(root))
    if problems:
        raise ContentError(problems, Path(root))
    return catalogue


def read_catalogue(root: Path) -> tuple[Catalogue | None, list[Problem]]:
    """Read everything under `root`; return the catalogue (None if unusable) and the problems."""
    reader = _Reader(root)
    catalogue = reader.read()
    return (None if reader.problems else catalogue), reader.problems


def line_of(text: str, pattern: str) -> int:
    """The 1-based line where `pattern` (a regex) first matches in `text`, or 1."""
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _table(key: str) -> str:
    """A regex for a TOML table header starting with `key`, bare or quoted: [key] or [key.x]."""
    return rf"^\[\s*\"?{re.escape(key)}\"?\s*[\].]"


class _Reader:
    """Walks courses/ once, building the catalogue and noting problems as it goes."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        # Question ids module.toml names, valid or not: a quiz file naming an invalid question
        # is not reported again (the module.toml problem says it all).
        self.declared: dict[tuple[str, str], set] = {}
        self.terms: dict[tuple[str, str], tuple[str, ...]] = {}

    def problem(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def toml(self, path: Path, text: str | None = None, line_offset: int = 0) -> dict | None:
        """Parse TOML from a file (or text), noting a syntax error with its line."""
        try:
            if text is None:
                text = path.read_text(encoding="utf-8")
            return tomllib.loads(text)
        except FileNotFoundError:
            self.problem(path, 1, "file is missing")
        except UnicodeDecodeError:
            self.problem(path, 1, "file is not UTF-8 text")
        except tomllib.TOMLDecodeError as error:
            match = TOML_LINE.search(str(error))
            line = int(match.group(1)) + line_offset if match else 1
            self.problem(path, line, f"invalid TOML: {error}")
        return None

    # -- course.toml -------------------------------------------------------------------------

    def read(self) -> Catalogue | None:
        path = self.root / "course.toml"
        course = self.toml(path)
        if course is None:
            return None
        text = path.read_text(encoding="utf-8")
        default = course.get("default_language", "nb")
        if default not in BY_CODE:
            self.problem(path, line_of(text, "default_language"), f"unknown language {default!r}")
        required = course.get("required_languages", [default])
        for code in required:
            if code not in BY_CODE:
                self.problem(path, line_of(text, "required_languages"),
                             f"unknown language {code!r}")
        if default not in required:
            required = [default, *required]
        slugs = course.get("modules")
        if not isinstance(slugs, list) or not slugs:
            self.problem(path, line_of(text, "modules"), "'modules' must list the module folders")
            return None
        if len(set(slugs)) != len(slugs):
            self.problem(path, line_of(text, "modules"), "a module is listed twice")
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            if folder.name not in slugs:
                self.problem(folder, 1, "module folder is not listed in course.toml 'modules'")
        self.default, self.required = default, tuple(required)
        modules = [self.read_module(slug) for slug in dict.fromkeys(slugs)]
        return Catalogue(tuple(m for m in modules if m), default, tuple(required))

    # -- module.toml -------------------------------------------------------------------------

    def read_module(self, slug: str) -> Module | None:
        folder = self.root / slug
        path = folder / "module.toml"
        if not folder.is_dir():
            self.problem(self.root / "course.toml", 1, f"module folder {slug!r} does not exist")
            return None
        data = self.toml(path)
        if data is None:
            return None
        text = path.read_text(encoding="utf-8")
        icon = data.get("icon", "")
        if not isinstance(icon, str) or not (folder / icon).is_file():
            self.problem(path, line_of(text, "^icon"), f"icon {icon!r} is not a file in {slug}/")
        pass_mark = data.get("pass_mark", 80)
        if not isinstance(pass_mark, int) or not 1 <= pass_mark <= 100:
            self.problem(path, line_of(text, "pass_mark"), "pass_mark must be a whole number 1-100")
        keys = self.read_lessons(path, text, data.get("lessons"))
        languages = self.language_folders(folder)
        module_texts = {}
        lesson_texts: dict[str, dict[str, LessonText]] = {lesson: {} for lesson in keys}
        for code in languages:
            module_texts[code] = self.read_module_text(folder / code / "index.md")
            for lesson_slug, questions in keys.items():
                lesson_text = self.read_lesson(folder, code, lesson_slug, questions)
                if lesson_text:
                    lesson_texts[lesson_slug][code] = lesson_text
        for code in self.required:
            if code not in languages:
                self.problem(folder, 1, f"missing translation: no {code}/ folder")
        self.check_audio(folder / "audio", lesson_texts)
        lessons = tuple(
            Lesson(slug, lesson_slug, questions, lesson_texts[lesson_slug], self.default)
            for lesson_slug, questions in keys.items()
        )
        return Module(slug, icon, pass_mark, lessons,
                      {k: v for k, v in module_texts.items() if v}, self.default)

    def read_lessons(self, path: Path, text: str, lessons) -> dict[str, tuple[Question, ...]]:
        """The lessons' slugs and answer keys, in order (glossary terms go to self.terms)."""
        if not isinstance(lessons, list) or not lessons:
            self.problem(path, line_of(text, "lessons"), "a module needs at least one [[lessons]]")
            return {}
        result = {}
        for lesson in lessons:
            slug = lesson.get("slug", "")
            line = line_of(text, rf"slug\s*=\s*\"{re.escape(str(slug))}\"")
            if not isinstance(slug, str) or not SLUG.match(slug):
                self.problem(path, line, f"lesson slug {slug!r} must be lowercase-with-dashes")
                continue
            if slug in result:
                self.problem(path, line, f"lesson {slug!r} is listed twice")
                continue
            result[slug] = self.read_questions(path, text, slug, lesson.get("questions"))
            terms = lesson.get("glossary")
            if (not isinstance(terms, list) or not terms or len(set(terms)) != len(terms)
                    or not all(isinstance(t, str) and t.strip() for t in terms)):
                self.problem(path, line, f"lesson {slug!r} needs a 'glossary' list of the "
                             "different Norwegian words it teaches")
                terms = []
            self.terms[(path.parent.name, slug)] = tuple(terms)
        return result

    def read_questions(self, path: Path, text: str, lesson: str, questions) -> tuple:
        if not isinstance(questions, list) or not questions:
            self.problem(path, line_of(text, rf"\"{lesson}\""),
                         f"lesson {lesson!r} needs at least one [[lessons.questions]]")
            return ()
        result = []
        for question in questions:
            qid = question.get("id", "")
            line = line_of(text, rf"id\s*=\s*\"{re.escape(str(qid))}\"")
            qtype, options = question.get("type"), question.get("options", [])
            correct = question.get("correct", [])
            if not isinstance(qid, str) or not SLUG.match(qid):
                self.problem(path, line, f"question id {qid!r} must be lowercase-with-dashes")
            elif any(q.id == qid for q in result):
                self.problem(path, line, f"question id {qid!r} is used twice in {lesson!r}")
            elif qtype not in QUESTION_TYPES:
                self.problem(path, line, f"question {qid!r}: type must be one of "
                             f"{', '.join(sorted(QUESTION_TYPES))}")
            elif (not isinstance(options, list) or len(options) < 2
                  or len(set(options)) != len(options)):
                self.problem(path, line, f"question {qid!r}: needs 2 or more different options")
            elif not isinstance(correct, list) or not set(correct) <= set(options):
                unknown = sorted(map(str, set(correct) - set(options))) if isinstance(
                    correct, list) else [repr(correct)]
                self.problem(path, line, f"question {qid!r}: answer key names options that do "
                             f"not exist: {', '.join(unknown)}")
            else:
                mistake = QUESTION_TYPES[qtype].check_key(frozenset(correct), len(options))
                image = question.get("image")
                if not mistake and QUESTION_TYPES[qtype].needs_image and not image:
                    mistake = f"a {qtype} question needs an 'image'"
                if not mistake and image is not None and not is_module_picture(path.parent, image):
                    mistake = f"broken picture link {image!r}: pictures must be files in img/"
                if mistake:
                    self.problem(path, line, f"question {qid!r}: {mistake}")
                else:
                    result.append(Question(qid, qtype, tuple(options), frozenset(correct), image))
        self.declared[(path.parent.name, lesson)] = {
            q.get("id") for q in questions if isinstance(q, dict)}
        return tuple(result)

    # -- per-language files ------------------------------------------------------------------

    def language_folders(self, folder: Path) -> list[str]:
        codes = []
        for child in sorted(p for p in folder.iterdir()
                            if p.is_dir() and p.name not in ("img", "audio")):
            if child.name in BY_CODE:
                codes.append(child.name)
            else:
                self.problem(child, 1, f"{child.name!r} is not a language code we support "
                             f"({', '.join(BY_CODE)})")
        return codes

    def front_matter(self, path: Path, required: set[str], allowed: set[str]):
        """Split a Markdown file into its TOML front matter and body (line where body starts)."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problem(path, 1, "missing translation: file is missing")
            return None, "", 1
        parts = re.split(r"^\+\+\+[ \t]*$\n?", text, maxsplit=2, flags=re.MULTILINE)
        if len(parts) != 3 or parts[0].strip():
            self.problem(path, 1, "bad front matter: the file must start with a line '+++', "
                         "then TOML, then a line '+++'")
            return None, "", 1
        meta = self.toml(path, parts[1], line_offset=1)
        if meta is None:
            return None, "", 1
        body_line = parts[1].count("\n") + 3
        for key in sorted(required - meta.keys()):
            self.problem(path, 1, f"bad front matter: {key!r} is missing")
        if not required <= meta.keys():
            return None, "", 1
        for key in sorted(meta.keys() - allowed):
            self.problem(path, line_of(text, rf"^{re.escape(key)}\s*="),
                         f"bad front matter: unknown key {key!r}")
        for key in sorted(required & meta.keys() & {"title", "summary", "status"}):
            if not isinstance(meta[key], str) or not meta[key].strip():
                self.problem(path, line_of(text, rf"^{key}\s*="),
                             f"bad front matter: {key!r} must be a non-empty text")
                return None, "", 1
        return meta, parts[2], body_line

    def read_module_text(self, path: Path) -> ModuleText | None:
        meta, _body, _line = self.front_matter(path, {"title", "summary"}, {"title", "summary"})
        return ModuleText(meta["title"], meta["summary"]) if meta else None

    def read_lesson(self, folder: Path, code: str, slug: str, questions) -> LessonText | None:
        md_path = folder / code / f"{slug}.md"
        quiz_path = folder / code / f"{slug}.quiz.toml"
        if code not in self.required and not md_path.exists() and not quiz_path.exists():
            return None  # not translated yet: the site falls back to the default language
        meta, body, body_line = self.front_matter(md_path, LESSON_KEYS, LESSON_KEYS)
        rtl = BY_CODE[code].rtl
        quiz = self.read_quiz(quiz_path, questions, self.declared.get((folder.name, slug), set()),
                              rtl)
        if meta is None:
            return None
        if rtl:
            meta, body = isolate_numbers(meta), isolate_numbers(body)
        ok = True
        if meta["status"] not in STATUSES:
            self.problem(md_path, line_of(md_path.read_text("utf-8"), "^status"),
                         f"bad front matter: status must be one of {', '.join(STATUSES)}")
            ok = False
        sources = meta["sources"]
        if not isinstance(sources, list) or not sources or not all(
                isinstance(s, str) and s.strip() for s in sources):
            self.problem(md_path, line_of(md_path.read_text("utf-8"), "^sources"),
                         "bad front matter: 'sources' must list the rules the lesson is based on")
            ok = False
        ok = self.check_markdown(md_path, folder, body, body_line) and ok
        if not PICTURE.search(body):
            self.problem(md_path, body_line,
                         "a lesson needs at least one picture: ![alt](img/x.svg)")
            ok = False
        key_points = self.read_key_points(md_path, meta["key_points"])
        terms = self.terms.get((folder.name, slug), ())
        glossary = self.read_glossary(md_path, meta["glossary"], terms)
        if not ok or quiz is None or key_points is None or glossary is None:
            return None
        words, sentences = text_statistics(body)
        return LessonText(meta["title"], meta["summary"], render_markdown(body, folder.name),
                          meta["status"], tuple(sources), quiz, key_points, glossary, words,
                          sentences, audio=self.audio_for(folder, slug, code))

    @staticmethod
    def audio_for(folder: Path, slug: str, code: str) -> tuple[str, ...]:
        """The recorded readings of a lesson in one language: audio/<lesson>.<lang>.ogg|mp3."""
        names = (f"{slug}.{code}.{ext}" for ext in AUDIO_TYPES)
        return tuple(f"audio/{name}" for name in names if (folder / "audio" / name).is_file())

    def check_audio(self, folder: Path, lesson_texts: dict[str, dict[str, LessonText]]) -> None:
        """Every file in audio/ must be the reading of a lesson in a language it has."""
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            slug, _, rest = path.name.partition(".")
            code, _, ext = rest.rpartition(".")
            if ext not in AUDIO_TYPES or code not in lesson_texts.get(slug, {}):
                self.problem(path, 1, "audio files are named <lesson>.<language>.ogg or .mp3, "
                             "for a lesson that exists in that language")

    def read_key_points(self, path: Path, points) -> tuple[str, ...] | None:
        if (not isinstance(points, list) or len(points) != KEY_POINTS
                or not all(isinstance(p, str) and p.strip() for p in points)):
            self.problem(path, line_of(path.read_text("utf-8"), "^key_points"),
                         f"bad front matter: 'key_points' must list exactly {KEY_POINTS} texts")
            return None
        return tuple(points)

    def read_glossary(self, path: Path, glossary, terms) -> tuple | None:
        """Each Norwegian term module.toml lists for the lesson, with this language's words."""
        text = path.read_text("utf-8")
        if not isinstance(glossary, dict):
            self.problem(path, line_of(text, "^glossary"), "bad front matter: 'glossary' must be "
                         "a table: [glossary] with one line per Norwegian term")
            return None
        ok = True
        for term in glossary.keys() - set(terms):
            self.problem(path, line_of(text, rf"^\"?{re.escape(term)}\"?\s*="),
                         f"glossary term {term!r} is not in module.toml (it has: "
                         f"{', '.join(terms) or 'none'})")
            ok = False
        for term in terms:
            explanation = glossary.get(term)
            if not isinstance(explanation, str) or not explanation.strip():
                self.problem(path, line_of(text, r"^\[glossary\]"),
                             f"missing translation: glossary term {term!r} has no explanation")
                ok = False
        return tuple((term, glossary[term]) for term in terms) if ok else None

    def check_markdown(self, path: Path, folder: Path, body: str, first_line: int) -> bool:
        """Note raw HTML and bad pictures in a lesson body; True if there were none."""
        problems = markdown_problems(body, first_line, folder)
        for line, message in problems:
            self.problem(path, line, message)
        return not problems

    def read_quiz(self, path: Path, questions, declared: set,
                  rtl: bool = False) -> dict[str, QuestionText] | None:
        data = self.toml(path) if path.exists() else None
        if not path.exists():
            self.problem(path, 1, "missing translation: quiz file is missing")
        if data is None:
            return None
        if rtl:
            data = isolate_numbers(data)
        text = path.read_text(encoding="utf-8")
        known = {q.id: q for q in questions}
        result, ok = {}, True
        for qid in data:
            if qid not in known and qid not in declared:
                self.problem(path, line_of(text, _table(qid)),
                             f"unknown question id {qid!r} (module.toml has: "
                             f"{', '.join(known) or 'none'})")
                ok = False
        for qid, question in known.items():
            entry = data.get(qid)
            if not isinstance(entry, dict):
                self.problem(path, 1, f"missing translation: question {qid!r} has no text")
                ok = False
                continue
            qline = line_of(text, rf"^\[{re.escape(qid)}\]")
            prompt = entry.get("prompt")
            options = entry.get("options") if isinstance(entry.get("options"), dict) else {}
            if not isinstance(prompt, str) or not prompt.strip():
                self.problem(path, qline, f"missing translation: question {qid!r} has no prompt")
                ok = False
            if set(options) != set(question.options):
                extra = sorted(set(options) - set(question.options))
                missing = [o for o in question.options if o not in options]
                detail = "; ".join(filter(None, [
                    extra and f"unknown option(s) {', '.join(extra)}",
                    missing and f"no text for option(s) {', '.join(missing)}",
                ]))
                line = line_of(text, rf"^\[{re.escape(qid)}\.options\.{re.escape(extra[0])}\]"
                               ) if extra else qline
                self.problem(path, line, f"mismatched options in question {qid!r}: {detail} "
                             f"(module.toml has: {', '.join(question.options)})")
                ok = False
                continue
            texts = {}
            for oid in question.options:
                option = options[oid]
                oline = line_of(text, rf"^\[{re.escape(qid)}\.options\.{re.escape(oid)}\]")
                if not isinstance(option, dict) or not all(
                        isinstance(option.get(k), str) and option[k].strip()
                        for k in ("text", "explain")):
                    self.problem(path, oline if oline > 1 else qline,
                                 f"missing translation: option {qid}.{oid} needs 'text' and "
                                 "'explain'")
                    ok = False
                    continue
                texts[oid] = OptionText(option["text"], option["explain"])
            image_alt = entry.get("image_alt")
            if question.image and not (isinstance(image_alt, str) and image_alt.strip()):
                self.problem(path, qline, f"missing translation: question {qid!r} needs "
                             "'image_alt', the words for its picture")
                ok = False
            if ok:
                result[qid] = QuestionText(prompt, texts, image_alt)
        return result if ok else None
