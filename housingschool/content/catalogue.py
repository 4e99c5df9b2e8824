"""The course catalogue: immutable dataclasses built once from the files in courses/.

Answer keys (Question.correct) are language-neutral; texts live per language.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OptionText:
    """One answer option's words in one language."""

    text: str
    explain: str


@dataclass(frozen=True)
class QuestionText:
    """A question's words in one language."""

    prompt: str
    options: Mapping[str, OptionText]
    image_alt: str | None = None


@dataclass(frozen=True)
class Question:
    """A quiz question: its type and answer key, the same in every language."""

    id: str
    type: str
    options: tuple[str, ...]
    correct: frozenset[str]
    image: str | None = None  # path relative to the module folder, e.g. img/banana-peel.svg


@dataclass(frozen=True)
class LessonText:
    """A lesson in one language: rendered, sanitised HTML and the quiz texts."""

    title: str
    summary: str
    html: str
    status: str
    sources: tuple[str, ...]
    questions: Mapping[str, QuestionText]
    key_points: tuple[str, ...] = ()
    glossary: tuple[tuple[str, str], ...] = ()  # (Norwegian term, explanation in this language)
    words: int = 0
    sentences: int = 0
    audio: tuple[str, ...] = ()  # recorded readings, e.g. ("audio/deposit.nb.ogg", ...)

    @property
    def minutes(self) -> int:
        """Reading time for a learner, at about 100 words a minute."""
        return max(1, round(self.words / 100))


@dataclass(frozen=True)
class ModuleText:
    """A module's title and summary in one language."""

    title: str
    summary: str


@dataclass(frozen=True)
class Translated:
    """A text in the language asked for, or in the default language with fallback=True."""

    text: object
    language: str
    fallback: bool


def _pick(texts: Mapping[str, object], language: str, default: str) -> Translated:
    if language in texts:
        return Translated(texts[language], language, False)
    return Translated(texts[default], default, True)


@dataclass(frozen=True)
class Lesson:
    """A lesson: stable slugs, the quiz's answer key, and its text per language."""

    module_slug: str
    slug: str
    questions: tuple[Question, ...]
    texts: Mapping[str, LessonText]
    default_language: str

    @property
    def key(self) -> str:
        """The stable id progress rows use, e.g. "waste/sorting-at-home"."""
        return f"{self.module_slug}/{self.slug}"

    def text(self, language: str) -> Translated:
        """The lesson text in `language`, or in the default language with a fallback flag."""
        return _pick(self.texts, language, self.default_language)

    def question(self, question_id: str) -> Question | None:
        """The question with this id, if the lesson has one."""
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Module:
    """A module: a topic with ordered lessons."""

    slug: str
    icon: str
    pass_mark: int
    lessons: tuple[Lesson, ...]
    texts: Mapping[str, ModuleText]
    default_language: str

    def text(self, language: str) -> Translated:
        """The module's title and summary in `language`, else the default language."""
        return _pick(self.texts, language, self.default_language)

    def lesson(self, slug: str) -> Lesson | None:
        """The lesson with this slug, if the module has one."""
        return next((lesson for lesson in self.lessons if lesson.slug == slug), None)

    def next_lesson(self, lesson: Lesson) -> Lesson | None:
        """The lesson after `lesson`, or None at the end of the module."""
        index = self.lessons.index(lesson)
        return self.lessons[index + 1] if index + 1 < len(self.lessons) else None


@dataclass(frozen=True)
class Catalogue:
    """Every module of the course, in order."""

    modules: tuple[Module, ...]
    default_language: str = "nb"
    required_languages: tuple[str, ...] = ("nb",)
    _by_slug: Mapping[str, Module] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_slug", {m.slug: m for m in self.modules})

    def module(self, slug: str) -> Module | None:
        """The module with this slug, if there is one."""
        return self._by_slug.get(slug)

    def lesson(self, module_slug: str, lesson_slug: str) -> Lesson | None:
        """The lesson at module/lesson, if there is one."""
        module = self.module(module_slug)
        return module.lesson(lesson_slug) if module else None
