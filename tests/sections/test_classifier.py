"""The section classifier: training, predictions with confidences, the model file, scoring, and its accuracy floor."""

import importlib.util

import pytest

from benchmarks.sections import AG_NEWS, ag_news
from newsdesk.sections.classifier import ModelFileError, Prediction, SectionClassifier, score

# A handful of stories per section, worded as a small newsroom writes them.
STORIES = {
    "sport": [
        "United won the cup final with a late goal from their captain",
        "The striker scored twice as the home side beat the league leaders",
        "The tennis champion reached the semi-final after five sets",
        "The coach named his squad for the world cup qualifiers",
        "A record crowd watched the marathon runners finish in the rain",
        "The cricket team lost the test match on the final day",
        "The goalkeeper saved a penalty to send his club into the next round",
        "The sprinter broke the national record at the athletics championship",
    ],
    "business": [
        "Shares fell after the bank reported lower quarterly profits",
        "The company will cut jobs as sales of its cars slow",
        "Oil prices rose as investors worried about supply",
        "The central bank raised interest rates to curb inflation",
        "The retailer's profits jumped on strong holiday sales",
        "The airline agreed a merger with its rival in a deal worth billions",
        "Investors sold shares in the bank after its chief executive resigned",
        "Inflation slowed and the stock market rallied on the news",
    ],
    "science": [
        "Astronomers found a planet orbiting a distant star",
        "The space agency launched a probe to study the moon",
        "Researchers sequenced the genome of an ancient plant",
        "A new vaccine protected mice against the virus in a laboratory study",
        "Physicists measured the mass of the particle with new precision",
        "The telescope photographed a galaxy billions of light years away",
        "Biologists discovered a species of frog in the rainforest",
        "Scientists say the comet will pass close to the earth next year",
    ],
}

TEXTS = [text for stories in STORIES.values() for text in stories]
LABELS = [label for label, stories in STORIES.items() for _ in stories]

TRANSFORMER = all(importlib.util.find_spec(name) for name in ("torch", "tokenizers", "all_minilm_l6_v2"))
needs_transformer = pytest.mark.skipif(not TRANSFORMER, reason="the `sections` extra (torch, MiniLM) is not installed")

# The linear method's accuracy on AG News's dev stories, trained on the other
# 4,000 train.csv stories (benchmarks/sections.py): measured 0.877-0.885.
AG_NEWS_LINEAR_FLOOR = 0.87


@pytest.fixture(scope="module")
def classifier():
    return SectionClassifier.train(TEXTS, LABELS)


def test_files_new_stories_under_the_section_they_are_about(classifier):
    """Stories it never saw go to the section whose stories share their words."""
    predictions = classifier.predict([
        "The club's captain scored the winning goal in the final",
        "Shares in the carmaker fell as profits dropped",
        "The probe sent back photographs of the planet",
    ])

    assert [p.label for p in predictions] == ["sport", "business", "science"]


def test_a_prediction_lists_the_top_sections_best_first_with_confidences(classifier):
    """`top` entries, best first; the label and confidence are the first entry; probabilities within 0..1."""
    [prediction] = classifier.predict(["The striker scored in the cup final"], top=2)

    assert isinstance(prediction, Prediction)
    assert len(prediction.top) == 2
    assert prediction.top[0] == (prediction.label, prediction.confidence)
    assert prediction.top[0][1] >= prediction.top[1][1]
    assert all(0.0 <= p <= 1.0 for _, p in prediction.top)
    assert sorted(classifier.labels) == ["business", "science", "sport"]
    assert len(classifier.predict(["Oil prices rose"], top=10)[0].top) == 3  # no more than it knows


def test_predicting_nothing_returns_nothing(classifier):
    """An empty batch gives an empty list, not an error."""
    assert classifier.predict([]) == []


def test_a_saved_model_loads_and_predicts_the_same(classifier, tmp_path):
    """save() writes one file; load() reads it back into the same predictions."""
    path = tmp_path / "model.bin"
    classifier.save(path)

    loaded = SectionClassifier.load(path)

    assert list(tmp_path.iterdir()) == [path]
    assert loaded.labels == classifier.labels
    assert loaded.predict(TEXTS) == classifier.predict(TEXTS)


def test_loading_a_file_that_is_not_a_model_fails_clearly(tmp_path):
    """A stray file is refused with ModelFileError, not an unpickling traceback."""
    path = tmp_path / "model.bin"
    path.write_bytes(b"not a model at all")

    with pytest.raises(ModelFileError):
        SectionClassifier.load(path)


def test_training_needs_two_sections_and_one_label_per_story():
    """One section cannot be learnt; texts and labels must pair up; unknown options are refused."""
    with pytest.raises(ValueError, match="two sections"):
        SectionClassifier.train(TEXTS[:8], LABELS[:8])
    with pytest.raises(ValueError, match="labels"):
        SectionClassifier.train(TEXTS, LABELS[:-1])
    with pytest.raises(ValueError, match="mean nothing"):
        SectionClassifier.train(TEXTS, LABELS, epochs=3)


def test_a_section_with_a_single_story_still_trains():
    """A new section with one example cannot be cross-validated but must not stop training."""
    classifier = SectionClassifier.train(TEXTS + ["The orchestra opened its season"], LABELS + ["culture"])

    assert "culture" in classifier.labels


def test_score_is_the_share_of_stories_filed_right(classifier):
    """score() is accuracy: every story right is 1.0; labels swapped count as wrong."""
    assert score(classifier, TEXTS, LABELS) == 1.0
    assert score(classifier, [TEXTS[0], TEXTS[8]], ["business", "sport"]) == 0.0
    assert score(classifier, [], []) == 0.0


@needs_transformer
@pytest.mark.parametrize("method", ["finetuned", "frozen"])
def test_transformer_methods_train_save_and_load(method, tmp_path):
    """The MiniLM-based members learn the small archive and survive the model file."""
    options = {"finetuned_epochs": 4, "finetuned_learning_rate": 3e-4} if method == "finetuned" else {}
    classifier = SectionClassifier.train(TEXTS, LABELS, method=method, **options)
    classifier.save(tmp_path / "model.bin")

    loaded = SectionClassifier.load(tmp_path / "model.bin")

    assert loaded.method == method
    assert score(loaded, TEXTS, LABELS) >= 0.9
    assert [p.label for p in loaded.predict(TEXTS)] == [p.label for p in classifier.predict(TEXTS)]


@pytest.mark.skipif(not AG_NEWS.is_dir(), reason=f"AG News is not at {AG_NEWS} (it lives in ../shared)")
def test_linear_method_stays_above_the_ag_news_floor():
    """The fast linear method, trained on 4,000 AG News stories, files the 1,000 dev stories at the recorded floor."""
    train_texts, train_labels, dev_texts, dev_labels = ag_news()
    classifier = SectionClassifier.train(train_texts, train_labels, method="linear")

    accuracy = score(classifier, dev_texts, dev_labels)

    assert accuracy >= AG_NEWS_LINEAR_FLOOR, f"AG News dev accuracy fell to {accuracy:.3f}"
