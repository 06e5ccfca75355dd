"""Retraining the site's model from its archive and editors' choices, keeping it only when it scores no worse."""

import hashlib
import logging
import time

from django.utils import timezone

from newsdesk import conf

from .filing import live_sections
from .labels import archive_examples, label_examples, new_labels_since
from .modelfile import install, usable_model
from .models import TrainingRun

logger = logging.getLogger(__name__)

# One published story in five is kept out of training, chosen by its text so
# the same stories are held out run after run: the new model and the one in
# use are scored on stories neither learnt from.
HOLD_OUT_ONE_IN = 5
# An editor's choice is learnt as this many stories: each marks a story the
# model filed wrongly or could not decide, and a single row among thousands
# would barely move it.
CHOICE_COPIES = 3
# Fewer examples than this, or fewer than two sections with any, make a
# model no better than the descriptions: keep filing by those.
MIN_EXAMPLES = 10


def is_held_out(example):
    if example.origin != "archive":
        return False  # editors' choices are few and precious: always learnt
    digest = hashlib.sha256(example.text.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % HOLD_OUT_ONE_IN == 0


def split(examples):
    """(training texts, training labels, held-out texts, held-out labels)."""
    chosen_texts = {example.text for example in examples if example.origin != "archive"}
    train_texts, train_labels, held_texts, held_labels = [], [], [], []
    for example in examples:
        if is_held_out(example) and example.text not in chosen_texts:
            held_texts.append(example.text)
            held_labels.append(example.label)
            continue
        copies = 1 if example.origin == "archive" else CHOICE_COPIES
        train_texts.extend([example.text] * copies)
        train_labels.extend([example.label] * copies)
    return train_texts, train_labels, held_texts, held_labels


def retrain(options=None):
    """Train a model on the site's examples; install it unless the model in use scores better.

    `options` go to SectionClassifier.train (the classifier's defaults when
    None). Returns the TrainingRun that records what happened.
    """
    run = TrainingRun.objects.create()
    try:
        return train_and_compare(run, options)
    except Exception as error:
        # Recorded, so the log of runs says why no model came of it; the
        # model in use, if any, stays.
        finish(run, False, f"Failed: {error.__class__.__name__}: {error}")
        raise


def train_and_compare(run, options):
    from .classifier import SectionClassifier, score

    started = time.monotonic()
    sections = live_sections()
    examples = archive_examples(sections) + label_examples(sections)
    train_texts, train_labels, held_texts, held_labels = split(examples)
    run.examples, run.held_out = len(examples), len(held_texts)
    if len(train_texts) < MIN_EXAMPLES or len(set(train_labels)) < 2:
        return finish(run, False, f"Not enough examples yet ({len(examples)} stories): the descriptions file stories.")
    classifier = SectionClassifier.train(train_texts, train_labels, **(options or {}))
    previous = usable_model()
    if held_texts:
        run.score = score(classifier, held_texts, held_labels)
        if previous is not None:
            run.previous_score = score(previous, held_texts, held_labels)
    if previous is not None and run.score is not None and run.previous_score is not None:
        if run.score < run.previous_score:
            return finish(
                run, False,
                f"Refused: {run.score:.3f} on {len(held_texts)} held-out stories against "
                f"{run.previous_score:.3f} for the model in use, which stays.",
            )
    install(classifier)
    seconds = time.monotonic() - started
    return finish(run, True, f"Trained on {len(train_texts)} stories in {seconds:.1f} s.")


def finish(run, accepted, note):
    run.accepted = accepted
    run.note = note
    run.finished_at = timezone.now()
    run.save()
    logger.info("Section model: %s", note)
    return run


def retrain_if_due():
    """Retrain when the site has no model yet, or NEWSDESK_SECTION_RETRAIN_AFTER new labels since the last run.

    None when it is not due. The count starts from the last run's start, so
    a run still going in another worker is not repeated on the next tick.
    """
    last = TrainingRun.objects.order_by("-started_at").first()
    if usable_model() is None:
        if last is not None and new_labels_since(last.started_at) == 0:
            return None  # nothing has changed since the last try found too little
        return retrain()
    if new_labels_since(last.started_at if last else None) >= conf.get("NEWSDESK_SECTION_RETRAIN_AFTER"):
        return retrain()
    return None
