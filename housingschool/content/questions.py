"""Question types and grading. Adding a type is one class and one entry in QUESTION_TYPES.

The types live with the content because the checker validates answer keys with them too.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SingleChoice:
    """Exactly one option is right; the participant picks one."""

    input_type: str = "radio"
    needs_image: bool = False

    def check_key(self, correct: frozenset[str], option_count: int) -> str | None:
        """Why this answer key is invalid, or None."""
        if len(correct) != 1:
            return "a single-choice question needs exactly 1 correct option"
        return None

    def is_right(self, correct: frozenset[str], chosen: frozenset[str]) -> bool:
        """Whether the chosen options answer the question."""
        return chosen == correct


@dataclass(frozen=True)
class MultipleChoice:
    """One or more options are right; the participant must pick all of them and no others."""

    input_type: str = "checkbox"
    needs_image: bool = False

    def check_key(self, correct: frozenset[str], option_count: int) -> str | None:
        """Why this answer key is invalid, or None."""
        return None if correct else "a multiple-choice question needs at least 1 correct option"

    def is_right(self, correct: frozenset[str], chosen: frozenset[str]) -> bool:
        """Whether the chosen options answer the question."""
        return chosen == correct


@dataclass(frozen=True)
class PictureChoice(SingleChoice):
    """A single-choice question about a picture ("Which bin does this go in?")."""

    needs_image: bool = True


QUESTION_TYPES = {"single": SingleChoice(), "multiple": MultipleChoice(),
                  "picture": PictureChoice()}


@dataclass(frozen=True)
class QuestionResult:
    """How one question was answered."""

    question_id: str
    chosen: tuple[str, ...]
    right: bool


@dataclass(frozen=True)
class Grade:
    """A graded quiz: per-question results and the score in whole percent."""

    results: tuple[QuestionResult, ...]
    score: int
    passed: bool


def grade(questions, answers: dict[str, list[str]], pass_mark: int) -> Grade:
    """Grade answers ({question id: chosen option ids}) against the answer key.

    Unknown option ids are ignored, so a tampered form can only lose points.
    """
    results = []
    for question in questions:
        chosen = frozenset(answers.get(question.id, ())) & set(question.options)
        right = QUESTION_TYPES[question.type].is_right(question.correct, chosen)
        ordered = tuple(o for o in question.options if o in chosen)
        results.append(QuestionResult(question.id, ordered, right))
    right_count = sum(r.right for r in results)
    score = round(100 * right_count / len(results)) if results else 0
    return Grade(tuple(results), score, score >= pass_mark)
