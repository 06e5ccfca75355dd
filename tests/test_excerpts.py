from newsdesk.stories.excerpts import cut_excerpt, plain_text


def test_short_text_is_returned_whole():
    """Text that fits comes back whole, without an ellipsis."""
    assert cut_excerpt("<p>The council met.</p>", 40) == "The council met."


def test_cut_falls_between_words_and_ends_in_ellipsis():
    """A long text is cut at the last space that fits and ends in “…”."""
    text = "The harbour authority approved the new ferry timetable on Tuesday evening"
    excerpt = cut_excerpt(text, 30)
    assert excerpt == "The harbour authority…"
    assert len(excerpt) <= 30
    assert text.startswith(excerpt[:-1])


def test_cut_never_leaves_trailing_punctuation_before_ellipsis():
    """“and,…” reads badly: punctuation before the ellipsis is dropped."""
    assert cut_excerpt("Ferries, trains, buses and trams all ran late", 20) == "Ferries, trains…"


def test_entities_are_decoded_before_counting():
    """An entity counts as one character and is never cut in half."""
    assert cut_excerpt("<p>Smith &amp; Sons &amp; Partners sold the yard</p>", 14) == "Smith & Sons…"
    assert cut_excerpt("<p>Caf&eacute; owners &#8220;relieved&#8221;</p>", 40) == "Café owners “relieved”"


def test_tags_are_never_cut_or_kept():
    """Markup is removed before the cut, so no half tag survives."""
    excerpt = cut_excerpt('<p>See <a href="https://example.org/a-very-long-address">the report</a> today</p>', 14)
    assert "<" not in excerpt and ">" not in excerpt
    assert excerpt == "See the…"


def test_block_tags_do_not_glue_words():
    """Two paragraphs read as two sentences, not one glued word."""
    assert plain_text("<p>First.</p><p>Second.</p>") == "First. Second."


def test_one_very_long_word_is_cut_to_fit():
    """A single word longer than the excerpt is cut rather than dropped."""
    word = "Donaudampfschifffahrtsgesellschaftskapitän" * 3
    excerpt = cut_excerpt(word, 20)
    assert len(excerpt) == 20
    assert excerpt.endswith("…")


def test_empty_body_gives_empty_excerpt():
    """No text, no excerpt, and no lone ellipsis."""
    assert cut_excerpt("", 50) == ""
    assert cut_excerpt(None, 50) == ""
    assert cut_excerpt("<p> </p>", 50) == ""


def test_cyrillic_is_cut_between_words():
    """Scripts with spaces between words are cut at a space."""
    excerpt = cut_excerpt("Городской совет утвердил новый бюджет порта", 25)
    assert excerpt == "Городской совет утвердил…"


def test_chinese_is_cut_between_characters():
    """Scripts without spaces are cut at the limit, never after nothing."""
    text = "港口管理局周二批准了新的渡轮时刻表，并宣布将增加夜间班次以满足需求。"
    excerpt = cut_excerpt(text, 12)
    assert excerpt == text[:11] + "…"


def test_arabic_is_cut_between_words():
    excerpt = cut_excerpt("وافق مجلس المدينة على ميزانية الميناء الجديدة", 20)
    assert excerpt.endswith("…")
    assert excerpt[:-1] in "وافق مجلس المدينة على ميزانية الميناء الجديدة"
    assert not excerpt[:-1].endswith(" ")
