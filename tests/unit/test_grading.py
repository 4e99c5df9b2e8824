"""Grading rules: what counts as right, the score, and the pass mark."""

from housingschool.content.catalogue import Question
from housingschool.content.questions import grade

SINGLE = Question("deposit-max", "single", ("a", "b", "c"), frozenset({"b"}))
MULTIPLE = Question("good-habits", "multiple", ("a", "b", "c", "d"), frozenset({"a", "c"}))


def test_single_choice_right_and_wrong():
    assert grade([SINGLE], {"deposit-max": ["b"]}, 80).results[0].right
    assert not grade([SINGLE], {"deposit-max": ["a"]}, 80).results[0].right


def test_multiple_choice_needs_all_right_options_and_no_wrong_one():
    assert grade([MULTIPLE], {"good-habits": ["c", "a"]}, 80).results[0].right
    assert not grade([MULTIPLE], {"good-habits": ["a"]}, 80).results[0].right
    assert not grade([MULTIPLE], {"good-habits": ["a", "b", "c"]}, 80).results[0].right


def test_score_is_whole_percent_and_pass_mark_decides():
    questions = [SINGLE, MULTIPLE, Question("q3", "single", ("a", "b"), frozenset({"a"}))]
    result = grade(questions, {"deposit-max": ["b"], "good-habits": ["a", "c"], "q3": ["b"]}, 80)
    assert result.score == 67
    assert not result.passed
    assert grade(questions, {"deposit-max": ["b"], "good-habits": ["a", "c"], "q3": ["a"]},
                 80).passed


def test_exactly_the_pass_mark_passes():
    questions = [Question(f"q{i}", "single", ("a", "b"), frozenset({"a"})) for i in range(5)]
    answers = {f"q{i}": ["a"] for i in range(4)} | {"q4": ["b"]}
    result = grade(questions, answers, 80)
    assert (result.score, result.passed) == (80, True)


def test_tampered_option_ids_are_ignored_and_earn_nothing():
    result = grade([SINGLE], {"deposit-max": ["b", "zzz"]}, 80)
    assert result.results[0].chosen == ("b",)
    assert result.results[0].right
    assert not grade([SINGLE], {"deposit-max": ["zzz"]}, 80).results[0].right


def test_chosen_options_keep_the_question_order():
    result = grade([MULTIPLE], {"good-habits": ["d", "a"]}, 80)
    assert result.results[0].chosen == ("a", "d")
