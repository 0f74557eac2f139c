"""Objections move from the arrears episode to the tenancy (`EarlyWarningObjection`), and the letters' HTML
moves from a file beside the PDF into `Letter.html`.

Each objection kept on an episode becomes an objection of the tenancy from the same day; the person who
recorded it is taken from the journal where it says so. Each letter without HTML gets the file's content.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

EPISODE_KIND = "arrears.episode"


def objections_to_tenancy(apps, schema_editor):
    Episode = apps.get_model("arrears", "Episode")
    EarlyWarningObjection = apps.get_model("arrears", "EarlyWarningObjection")
    JournalSubject = apps.get_model("core", "JournalSubject")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for episode in Episode.objects.filter(early_warning_objected_on__isnull=False).order_by("id"):
        if EarlyWarningObjection.objects.filter(
            tenancy_id=episode.tenancy_id, objected_on=episode.early_warning_objected_on
        ).exists():
            continue
        subject = (
            JournalSubject.objects.filter(
                kind=EPISODE_KIND, subject_id=str(episode.pk), event__activity="early_warning_objected"
            )
            .select_related("event")
            .order_by("event_id")
            .first()
        )
        actor_id = subject.event.actor_id if subject is not None else None
        if actor_id is not None and not User.objects.filter(pk=actor_id).exists():
            actor_id = None
        EarlyWarningObjection.objects.create(
            tenancy_id=episode.tenancy_id,
            objected_on=episode.early_warning_objected_on,
            recorded_by_id=actor_id,
        )


def letter_html_from_files(apps, schema_editor):
    from django.core.files.storage import default_storage

    Letter = apps.get_model("arrears", "Letter")
    for letter in Letter.objects.filter(html="").exclude(pdf="").iterator():
        name = str(letter.pdf)
        html_name = name[: -len(".pdf")] + ".html" if name.endswith(".pdf") else name + ".html"
        try:
            with default_storage.open(html_name, "rb") as handle:
                html = bytes(handle.read()).decode()
        except OSError:
            continue
        Letter.objects.filter(pk=letter.pk).update(html=html)


class Migration(migrations.Migration):
    dependencies = [
        ("arrears", "0002_letters_html_proposals_objections"),
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="earlywarningobjection",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty only for objections kept on an arrears episode before objections were per tenancy.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="earlywarningobjection",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(objections_to_tenancy, migrations.RunPython.noop),
        migrations.RunPython(letter_html_from_files, migrations.RunPython.noop),
        migrations.RemoveField(model_name="episode", name="early_warning_objected_on"),
    ]
