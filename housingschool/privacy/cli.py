"""`flask privacy retention`: anonymise participants inactive longer than their organisation
keeps data. Safe to run every night from cron; a second run changes nothing."""

import click

from housingschool.accounts.models import utcnow
from housingschool.extensions import db
from housingschool.privacy.services import apply_retention


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Only count; change nothing.")
def retention(dry_run: bool) -> None:
    """Anonymise participants inactive longer than their organisation's retention months."""
    counts = apply_retention(utcnow(), dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would be anonymised" if dry_run else "anonymised"
    for organisation, count in counts.items():
        months = organisation.retention_months
        rule = f"inactive over {months} months" if months > 0 else "retention off"
        click.echo(f"{organisation.slug}: {count} participants {verb} ({rule})")
    click.echo(f"Total: {sum(counts.values())} participants {verb}."
               + (" Dry run: nothing was changed." if dry_run else ""))
