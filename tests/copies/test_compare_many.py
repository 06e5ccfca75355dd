"""compare_many, the same-story check's scoring of 200 candidates at once, gives what compare gives pair by pair."""

import pytest

from newsdesk.copies import meaning
from newsdesk.copies.similarity import compare, compare_many, prepare

STORY = (
    "The harbour board approved a second ferry berth on Tuesday after a two-year dispute over dredging costs. "
    "Councillor Maria Ortega said the berth would open in March 2027 and cost 4.2 million. "
    "Residents of Kestrel Bay had asked for the berth since the storm of 2024 closed the old pier. "
)
TEXTS = [
    STORY * 2,
    "Kestrel Bay gets its second ferry berth. " + STORY * 2,  # a copy with a new headline
    "Ferry operators welcomed the harbour board's vote on a new berth at Kestrel Bay, which Maria Ortega "
    "said would open in March 2027. The dredging dispute had lasted two years.",
    "Der Hafenrat von Kestrel Bay hat am Dienstag einen zweiten Fähranleger genehmigt. Maria Ortega sagte, "
    "er werde im März 2027 eröffnet und 4,2 Millionen kosten.",
    "A storm closed the coast road for six hours on Sunday; no one was hurt, the police said.",
    "Shares in the shipbuilder rose 4% after it won an order for three electric ferries from Norway.",
    "Die Polizei sperrte die Küstenstraße am Sonntag für sechs Stunden wegen eines Sturms.",
    "One line.",
    "",
]


@pytest.mark.parametrize("kinds", [
    {"english": True, "multilingual": True},
    {"english": False, "multilingual": False},  # n-grams and names only
    {"english": True, "multilingual": False},
    "mixed",  # some stories without any vector: each pair takes the blend it can
])
def test_many_at_once_equal_pair_by_pair(kinds):
    everything = range(len(TEXTS))
    if kinds == "mixed":
        stories = prepare(TEXTS, english=[0, 2, 4, 5], multilingual=[0, 1, 3, 6], chars=everything)
    else:
        if (kinds["english"] and not meaning.english_available()) or (
                kinds["multilingual"] and not meaning.multilingual_available()):
            pytest.skip("the encoder is not installed")
        stories = prepare(TEXTS, english=everything if kinds["english"] else (),
                          multilingual=everything if kinds["multilingual"] else (), chars=everything)
    for i, story in enumerate(stories):
        others = stories[:i] + stories[i + 1:]
        together = compare_many(story, others)
        for alone, at_once in zip([compare(story, other) for other in others], together):
            assert at_once.similarity == pytest.approx(alone.similarity, abs=1e-6)
            assert at_once.containment == pytest.approx(alone.containment, abs=1e-12)
            assert (at_once.copy, at_once.same_story) == (alone.copy, alone.same_story)
    assert compare_many(stories[0], []) == []
    assert compare_many(stories[0], [stories[1]])[0].copy  # the copy with a new headline
