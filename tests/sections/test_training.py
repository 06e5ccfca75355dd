"""Retraining: from editors' corrections, on a schedule, and never to a worse model."""

import pytest

from newsdesk.newsroom.periodic import run_due_jobs
from newsdesk.sections.filing import file_story
from newsdesk.sections.labels import archive_examples, record_choice
from newsdesk.sections.modelfile import model_path, signature
from newsdesk.sections.models import SectionLabel, TrainingRun
from newsdesk.sections.training import is_held_out, retrain, retrain_if_due
from newsdesk.stories.models import SectionPage
from newsdesk.wire.models import Source
from tests.sections.desk import QUICK, add_source, poll, section

pytestmark = pytest.mark.django_db

LIGHTS = "Harbour lights switched on for the winter"
ATHLETIC = "Port Alder Athletic beat Sunder Bay United to go top of the Meridian Premier League"


def test_a_story_an_editor_corrected_is_filed_right_after_retraining(feed_server, fetcher, editor):
    first = retrain(QUICK)
    assert first.accepted and model_path().exists()
    lights = poll(add_source(feed_server, "desk.xml", "world"), fetcher)[LIGHTS]
    # The editor prefers the desk's second suggestion to its first.
    (first_choice, _), (second_choice, _) = lights.section_suggestions[:2]
    assert lights.section_id == first_choice

    editor.post("/admin/wire/act/", {"file_into": f"{lights.pk}-{second_choice}"})
    run = retrain(QUICK)

    assert run.accepted, run.note
    # A second outlet carries the same story: the model has learnt where it goes.
    copy = poll(add_source(feed_server, "desk.xml", "world", path="/second-outlet.xml"), fetcher)[LIGHTS]
    assert copy.section_id == second_choice


def test_a_retrained_model_that_scores_worse_is_refused(db):
    first = retrain(QUICK)
    assert first.accepted and first.score is not None
    in_use = signature(model_path())
    # Someone files every sports, culture and science story of the archive under Business.
    sections = list(SectionPage.objects.live())
    business = section("business")
    misfiled = {str(section(slug).pk) for slug in ("sports", "culture", "science")}
    for example in archive_examples(sections):
        if example.label in misfiled and not is_held_out(example):
            record_choice(example.text, business)

    run = retrain(QUICK)

    assert not run.accepted and run.score < run.previous_score
    assert "Refused" in run.note and "stays" in run.note
    assert signature(model_path()) == in_use


def test_the_worker_retrains_once_enough_new_labels_exist(settings, db):
    Source.objects.update(enabled=False)
    settings.NEWSDESK_SECTION_RETRAIN_AFTER = 3
    assert "retrain-sections" in run_due_jobs()  # a site with an archive and no model: trained at once
    assert TrainingRun.objects.get().accepted

    for slug in ("culture", "science"):
        record_choice(f"A story an editor filed under {slug}", section(slug))
    assert retrain_when_due() is False  # two new labels: not yet
    record_choice("A third story an editor filed", section("politics"))
    assert retrain_when_due() is True
    assert SectionLabel.objects.count() == 3


def retrain_when_due():
    """Run the scheduled job as the worker would; whether it trained."""
    from newsdesk.sections.tasks import retrain_if_due as scheduled

    runs = TrainingRun.objects.count()
    scheduled.enqueue()
    return TrainingRun.objects.count() > runs


def test_a_damaged_model_file_files_by_descriptions_until_the_worker_replaces_it(db):
    model_path().parent.mkdir(parents=True, exist_ok=True)
    model_path().write_bytes(b"not a model")

    filing = file_story(ATHLETIC, "Two second-half goals sent the club top of the league.")
    assert filing.method == "descriptions" and filing.section == section("sports")

    run = retrain_if_due()
    assert run.accepted
    assert file_story(ATHLETIC, "Two second-half goals sent the club top of the league.").method == "model"
