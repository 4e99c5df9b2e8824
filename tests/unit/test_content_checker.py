"""The content checker: real content passes; every kind of broken file is named with its line."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from housingschool.content.coverage import coverage
from housingschool.content.loader import ContentError, load_catalogue, read_catalogue

FIXTURE = Path(__file__).parent.parent / "fixtures" / "course"
REAL = Path(__file__).parents[2] / "courses"


@pytest.fixture
def course(tmp_path):
    """A copy of the small valid fixture course, to break in each test."""
    root = tmp_path / "courses"
    shutil.copytree(FIXTURE, root)
    return root


def report(root):
    catalogue, problems = read_catalogue(root)
    assert catalogue is None, "broken content must not give a catalogue"
    return [p.format(root) for p in problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_real_course_has_seven_modules_of_three_to_five_lessons():
    catalogue = load_catalogue(REAL)
    slugs = [m.slug for m in catalogue.modules]
    assert slugs == ["tenancy-rights", "cleaning", "waste", "neighbours", "budgeting",
                     "finding-a-home", "fire-safety"]
    for module in catalogue.modules:
        assert 3 <= len(module.lessons) <= 5, module.slug
        for lesson in module.lessons:
            assert 4 <= len(lesson.questions) <= 6, lesson.key
            assert len(lesson.texts["nb"].key_points) == 3, lesson.key
            assert lesson.texts["nb"].words <= 500, f"{lesson.key} takes over 5 minutes"
    waste = catalogue.module("waste")
    assert sum(q.type == "picture" for lesson in waste.lessons for q in lesson.questions) >= 4


def test_coverage_table_is_complete_for_every_module_and_language():
    table = coverage(load_catalogue(REAL))
    for module, row in table.items():
        assert row["nb"] == row["en"] == "complete", module
        assert all(state in ("complete", "draft") for state in row.values()), (module, row)


def test_fixture_course_is_valid(course):
    catalogue = load_catalogue(course)
    lesson = catalogue.lesson("home", "keys")
    assert lesson.question("good-habits").correct == {"a", "c"}
    assert "<strong>key</strong>" in lesson.texts["nb"].html
    assert 'src="/course-media/home/key.svg"' in lesson.texts["nb"].html


def test_missing_translation_file_is_named(course):
    (course / "home" / "en" / "keys.md").unlink()
    assert "courses/home/en/keys.md:1: missing translation: file is missing" in report(course)


def test_missing_question_text_is_a_missing_translation(course):
    quiz = course / "home" / "en" / "keys.quiz.toml"
    text = quiz.read_text()
    quiz.write_text(text[: text.index("[good-habits]")])
    assert ("courses/home/en/keys.quiz.toml:1: missing translation: question 'good-habits' "
            "has no text") in report(course)


def test_unknown_question_id_is_named_with_its_line(course):
    quiz = course / "home" / "nb" / "keys.quiz.toml"
    quiz.write_text(quiz.read_text() + '\n[lost-keys]\nprompt = "Typo"\n')
    line = quiz.read_text().splitlines().index("[lost-keys]") + 1
    problems = report(course)
    assert any(p.startswith(f"courses/home/nb/keys.quiz.toml:{line}: unknown question id "
                            "'lost-keys'") for p in problems), problems


def test_mismatched_options_are_named(course):
    quiz = course / "home" / "en" / "keys.quiz.toml"
    edit(quiz, "[good-habits.options.c]", "[good-habits.options.d]")
    line = quiz.read_text().splitlines().index("[good-habits.options.d]") + 1
    problems = report(course)
    assert any(p.startswith(f"courses/home/en/keys.quiz.toml:{line}: mismatched options in "
                            "question 'good-habits': unknown option(s) d; no text for option(s) c")
               for p in problems), problems


def test_answer_key_naming_a_missing_option_is_named(course):
    edit(course / "home" / "module.toml", 'correct = ["a", "c"]', 'correct = ["a", "e"]')
    problems = report(course)
    assert any(p.startswith("courses/home/module.toml:") and "answer key names options that do "
               "not exist: e" in p for p in problems), problems


def test_single_choice_with_two_answers_is_refused(course):
    edit(course / "home" / "module.toml", 'correct = ["a"]', 'correct = ["a", "b"]')
    assert any("needs exactly 1 correct option" in p for p in report(course))


@pytest.mark.parametrize("broken, message", [
    ('title = "Keys nb"', "bad front matter: 'title' is missing"),
    ('status = "reviewed"', "bad front matter: 'status' is missing"),
    ('+++\ntitle', "bad front matter: the file must start with a line '+++'"),
])
def test_bad_front_matter_is_named(course, broken, message):
    edit(course / "home" / "nb" / "keys.md", broken, "")
    assert any(p.startswith("courses/home/nb/keys.md:1: " + message) for p in report(course))


def test_invalid_toml_in_front_matter_gives_the_file_line(course):
    edit(course / "home" / "nb" / "keys.md", 'status = "reviewed"', "status = reviewed")
    problems = report(course)
    assert any(p.startswith("courses/home/nb/keys.md:4: invalid TOML") for p in problems), problems


def test_unknown_status_is_refused(course):
    edit(course / "home" / "nb" / "keys.md", 'status = "reviewed"', 'status = "finished"')
    assert any("courses/home/nb/keys.md:4: bad front matter: status must be one of draft, "
               "reviewed" in p for p in report(course))


def test_raw_script_in_markdown_is_refused_with_its_line(course):
    md = course / "home" / "nb" / "keys.md"
    md.write_text(md.read_text() + "\nHello <script>alert('x')</script>\n")
    line = len(md.read_text().splitlines())
    assert (f"courses/home/nb/keys.md:{line}: raw HTML is not allowed in lessons; use Markdown"
            in report(course))


def test_broken_picture_link_and_missing_alt_text(course):
    md = course / "home" / "en" / "keys.md"
    md.write_text(md.read_text() + "\n![](img/nothing.svg)\n")
    line = len(md.read_text().splitlines())
    problems = report(course)
    assert f"courses/home/en/keys.md:{line}: picture 'img/nothing.svg' needs alt text: " \
           "![what it shows]" in problems
    broken = f"courses/home/en/keys.md:{line}: broken picture link"
    assert any(p.startswith(broken) for p in problems)


def test_picture_from_another_site_is_refused(course):
    md = course / "home" / "en" / "keys.md"
    md.write_text(md.read_text() + "\n![A tracker](https://example.com/x.png)\n")
    assert any("broken picture link 'https://example.com/x.png'" in p for p in report(course))


def test_unknown_language_folder_and_unlisted_module(course):
    (course / "home" / "xx").mkdir()
    (course / "garden").mkdir()
    problems = report(course)
    assert any("courses/home/xx:1: 'xx' is not a language code" in p for p in problems)
    assert "courses/garden:1: module folder is not listed in course.toml 'modules'" in problems


def test_optional_language_may_be_missing(course):
    """Languages that are not required fall back to bokmål instead of failing the check."""
    assert not (course / "home" / "uk").exists()
    catalogue = load_catalogue(course)
    text = catalogue.lesson("home", "keys").text("uk")
    assert text.fallback and text.language == "nb"


def test_load_refuses_with_every_problem_listed(course):
    edit(course / "home" / "module.toml", "pass_mark = 80", "pass_mark = 180")
    (course / "home" / "en" / "index.md").unlink()
    with pytest.raises(ContentError) as error:
        load_catalogue(course)
    message = str(error.value)
    assert "pass_mark must be a whole number 1-100" in message
    assert "courses/home/en/index.md:1: missing translation" in message
    assert message.endswith(f"2 problem(s) in the course content in {course}.")


def test_check_command_exits_non_zero_and_names_the_file(course):
    (course / "home" / "en" / "keys.quiz.toml").unlink()
    run = subprocess.run([sys.executable, "-m", "flask", "courses", "check", "--path", str(course)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1
    expected = "courses/home/en/keys.quiz.toml:1: missing translation: quiz file is missing"
    assert expected in run.stderr


def test_check_command_passes_on_the_real_content():
    run = subprocess.run([sys.executable, "-m", "flask", "courses", "check"],
                         capture_output=True, text=True, check=False, cwd=REAL.parent)
    assert run.returncode == 0, run.stderr
    assert "Course content OK: 7 modules" in run.stdout
    assert "missing" not in run.stdout.split("Coverage")[1]


def test_key_points_must_be_exactly_three(course):
    edit(course / "home" / "en" / "keys.md", '"Point three en."', "")
    edit(course / "home" / "en" / "keys.md", '"Point two en.", ]', '"Point two en."]')
    assert any("courses/home/en/keys.md:6: bad front matter: 'key_points' must list exactly 3"
               in p for p in report(course))


def test_glossary_must_explain_every_term_and_only_those(course):
    edit(course / "home" / "en" / "keys.md", 'utleier = "Landlord en.', 'leietaker = "Tenant en.')
    problems = report(course)
    assert any(p.startswith("courses/home/en/keys.md:") and "glossary term 'leietaker' is not "
               "in module.toml" in p for p in problems), problems
    assert any("missing translation: glossary term 'utleier' has no explanation" in p
               for p in problems), problems


def test_a_lesson_needs_a_glossary_in_module_toml(course):
    edit(course / "home" / "module.toml", 'glossary = ["nøkkel", "utleier"]\n', "")
    assert any("lesson 'keys' needs a 'glossary' list" in p for p in report(course))


def test_picture_question_needs_an_image_and_alt_text_in_every_language(course):
    edit(course / "home" / "nb" / "keys.quiz.toml", 'image_alt = "An old key nb"\n', "")
    assert any("courses/home/nb/keys.quiz.toml:" in p and "question 'which-bin' needs "
               "'image_alt'" in p for p in report(course))
    edit(course / "home" / "module.toml", 'image = "img/key.svg"\n', "")
    assert any("question 'which-bin': a picture question needs an 'image'" in p
               for p in report(course))


def test_question_picture_must_exist(course):
    edit(course / "home" / "module.toml", 'image = "img/key.svg"', 'image = "img/nope.svg"')
    assert any("question 'which-bin': broken picture link 'img/nope.svg'" in p
               for p in report(course))


def test_every_lesson_needs_a_picture(course):
    edit(course / "home" / "nb" / "keys.md", "![A key](img/key.svg)", "A key.")
    assert any("courses/home/nb/keys.md:" in p and "needs at least one picture" in p
               for p in report(course))


def test_check_prints_coverage_and_sentence_length(course):
    run = subprocess.run([sys.executable, "-m", "flask", "courses", "check", "--path", str(course)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert re.search(r"^home\s+complete\s+complete\s+missing", run.stdout, re.MULTILINE)
    assert re.search(r"^\s+nb\s+1/1 lessons\s+\d+\.\d words/sentence", run.stdout, re.MULTILINE)
