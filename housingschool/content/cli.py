"""`flask courses check`: validate the course content without starting the site."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from housingschool.content.coverage import format_report
from housingschool.content.loader import format_problems, read_catalogue

courses = AppGroup("courses", help="Check the course content in courses/.")


@courses.command("check", with_appcontext=False)
@click.option("--path", "path", type=click.Path(path_type=Path), default=None,
              help="The course folder (default: COURSES_DIR or ./courses).")
def check(path: Path | None) -> None:
    """Validate every content file; print path:line: problem and exit 1 if any."""
    if path is None:
        from config import Config  # noqa: PLC0415 - the app is not created for this command

        path = Config.COURSES_DIR
    catalogue, problems = read_catalogue(path)
    if problems:
        click.echo(format_problems(problems, path), err=True)
        sys.exit(1)
    lessons = sum(len(m.lessons) for m in catalogue.modules)
    click.echo(f"Course content OK: {len(catalogue.modules)} modules, {lessons} lessons.\n")
    click.echo(format_report(catalogue))
