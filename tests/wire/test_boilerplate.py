"""Boilerplate rules: real sentences stay, page furniture goes, in English, French, German and Spanish.

Each rule is tested both ways through ``extract`` on a small article page:
the sentences it must keep, placed where a story would have them, and the
blocks it must drop, placed where a page would have them.
"""

from html import escape

import pytest
from lxml.html import fragment_fromstring

from newsdesk.wire.extraction import extract

# Four prose paragraphs per language: the story the test blocks are put around.
PROSE = {
    "en": [
        "The regional council met on Tuesday evening to discuss next year's budget, and members argued for hours about the cost of road repairs.",
        "Officials said the shortfall had grown after two winters of heavy flooding damaged bridges across the northern districts of the county.",
        "Several members proposed raising local taxes, while others argued that the council should first sell buildings it no longer uses.",
        "A final vote is expected next month, after residents have had a chance to comment on the plans at public meetings in each town.",
    ],
    "fr": [
        "Le conseil régional s'est réuni mardi soir pour discuter du budget de l'année prochaine, et les élus ont débattu pendant des heures.",
        "Selon les responsables, le déficit s'est creusé après deux hivers d'inondations qui ont endommagé des ponts dans tout le nord du département.",
        "Plusieurs élus ont proposé d'augmenter les impôts locaux, tandis que d'autres estiment qu'il faut d'abord vendre les bâtiments inutilisés.",
        "Un vote final est attendu le mois prochain, après une série de réunions publiques organisées dans chaque commune du département.",
    ],
    "de": [
        "Der Regionalrat hat am Dienstagabend über den Haushalt des kommenden Jahres beraten, und die Mitglieder stritten stundenlang über die Kosten.",
        "Nach Angaben der Verwaltung ist das Defizit gewachsen, nachdem zwei Winter mit schweren Überschwemmungen Brücken im Norden des Kreises beschädigt haben.",
        "Mehrere Mitglieder schlugen vor, die Gemeindesteuern zu erhöhen, während andere zunächst leerstehende Gebäude der Verwaltung verkaufen wollen.",
        "Eine endgültige Abstimmung wird im nächsten Monat erwartet, nachdem die Bürger in öffentlichen Versammlungen in jeder Gemeinde gehört wurden.",
    ],
    "es": [
        "El consejo regional se reunió el martes por la noche para debatir el presupuesto del próximo año, y los miembros discutieron durante horas.",
        "Según los responsables, el déficit creció después de dos inviernos de fuertes inundaciones que dañaron puentes en todo el norte de la provincia.",
        "Varios miembros propusieron subir los impuestos locales, mientras que otros defendieron vender primero los edificios que ya no se utilizan.",
        "Se espera una votación final el mes que viene, después de una serie de reuniones públicas celebradas en cada uno de los municipios.",
    ],
}


def page(language: str, top: str = "", middle: str = "", bottom: str = "") -> str:
    """An article page in the language: headline, four paragraphs, and blocks at the top, in the middle and at the bottom."""
    first, second, third, fourth = (f"<p>{escape(p)}</p>" for p in PROSE[language])
    return (
        f'<html lang="{language}"><head><title>Budget</title></head><body><article><h1>Budget</h1>'
        f"{top}{first}{second}{middle}{third}{fourth}{bottom}</article></body></html>"
    )


def p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def text_of(html: str) -> str:
    """The extracted text, after checking that the story itself came through whole."""
    text = extract(html).text
    language = html.split('lang="')[1][:2]
    assert all(paragraph in text for paragraph in PROSE[language]), text
    return text


# Sentences that begin like boilerplate but are part of the story: kept in the middle of it and as its last paragraph.
REAL_SENTENCES = [
    ("en", "Share prices fell 3% on Monday."),
    ("en", "(c) the council must publish its accounts every year."),
    ("en", "Copyright 2020 lawsuits rose by a third, the report found."),
    ("en", "Follow the money on Twitter, the campaign said."),
    ("en", "By noon, the river had risen two metres."),
    ("en", "Photo: the mayor was pictured at the scene, according to her office."),
    ("en", "Sign-ups for the council's newsletter doubled last year, officials said."),
    ("fr", "Partager les coûts reste la seule solution, a estimé le maire."),
    ("fr", "(c) le conseil doit publier ses comptes chaque année."),
    ("fr", "Mise à jour : le ministre a démissionné lundi."),
    ("fr", "Suivez l'argent, disent les enquêteurs."),
    ("de", "Teilen sich Bund und Länder die Kosten, sinkt der Beitrag der Gemeinden."),
    ("de", "Copyright-Klagen nahmen 2020 deutlich zu, heißt es im Bericht."),
    ("de", "Folgen Sie dem Geld, sagte die Staatsanwältin."),
    ("de", "Von Montag an gilt die neue Regel."),
    ("es", "Compartir gastos fue la propuesta del alcalde."),
    ("es", "Copyright 2020: las demandas aumentaron un tercio, según el informe."),
    ("es", "Por la tarde, el río había subido dos metros."),
]


@pytest.mark.parametrize(("language", "sentence"), REAL_SENTENCES, ids=[s for _, s in REAL_SENTENCES])
def test_real_sentence_is_kept_in_the_story(language, sentence):
    """A sentence that opens like a share prompt, copyright line or credit stays when it is part of the story."""
    assert sentence in text_of(page(language, middle=p(sentence)))


@pytest.mark.parametrize(("language", "sentence"), REAL_SENTENCES, ids=[s for _, s in REAL_SENTENCES])
def test_real_sentence_is_kept_at_the_end_of_the_story(language, sentence):
    """The same sentence stays as the story's last paragraph, where footers sit."""
    assert sentence in text_of(page(language, bottom=p(sentence)))


# Blocks of page furniture, each with the rule that drops it, and where it sits.
FURNITURE = [
    # copyright lines: sign or word, year, then a name or sign-off
    ("en", "bottom", p("© 2026, Example Herald. All rights reserved.")),
    ("fr", "bottom", p("© Le Journal du Nord 2026. Tous droits réservés.")),
    ("de", "bottom", p("Copyright © 2026 Nordkurier. Alle Rechte vorbehalten.")),
    ("es", "bottom", p("Copyright 2026 El Diario del Norte. Todos los derechos reservados.")),
    # share and follow prompts written to the reader
    ("en", "bottom", p("Share this article")),
    ("en", "bottom", p("Follow us on Twitter and Facebook for the latest news.")),
    ("fr", "bottom", p("Partager cet article")),
    ("fr", "bottom", p("Suivez-nous sur Instagram et Facebook.")),
    ("de", "bottom", p("Teilen mit:")),
    ("de", "bottom", p("Folgen Sie uns auf Twitter!")),
    ("es", "bottom", p("Compartir en Facebook")),
    ("es", "bottom", p("Síguenos en Twitter y en Instagram.")),
    # labels: "Label: value" not ending like a sentence, anywhere
    ("en", "middle", p("Read more: Why the bridges failed")),
    ("fr", "middle", p("À lire aussi : Les inondations de 2024 en images")),
    ("de", "middle", p("Lesen Sie auch: Der Kreis und seine Brücken")),
    ("es", "middle", p("Lea también: Las inundaciones del norte")),
    ("de", "bottom", p("Foto: dpa")),
    ("es", "bottom", p("Etiquetas: presupuesto, consejo regional")),
    # short non-sentences at the page's edges: bylines, ages, section labels
    ("en", "top", p("By Jane Doe")),
    ("en", "bottom", p("7 hours ago")),
    ("fr", "top", p("Par Amélie Rousseau")),
    ("de", "top", p("Von Hans Müller")),
    ("es", "bottom", p("Publicidad")),
    ("fr", "bottom", p("Abonnez-vous à notre newsletter")),
    # link-dense rows at the edges: share links, teaser lists
    ("en", "bottom", '<p><a href="/s/fb">Facebook</a> <a href="/s/tw">Twitter</a> <a href="/s/wa">WhatsApp</a></p>'),
    (
        "de",
        "bottom",
        '<ul><li><a href="/a/1">Brücken im Kreis gesperrt</a></li><li><a href="/a/2">Neuer Landrat gewählt</a></li></ul>',
    ),
]


@pytest.mark.parametrize(("language", "where", "block"), FURNITURE, ids=[b for _, _, b in FURNITURE])
def test_page_furniture_is_dropped(language, where, block):
    """Copyright lines, prompts, labels, bylines and link rows go; the story stays."""
    text = text_of(page(language, **{where: block}))

    for line in fragment_fromstring(block).itertext():
        assert not line.strip() or line.strip() not in text, text


@pytest.mark.parametrize(("language", "label"), [("de", "Anzeige"), ("en", "Advertisement"), ("es", "Publicidad")])
def test_advertising_label_is_dropped_even_inside_the_story(language, label):
    """An ad slot's label goes wherever it stands, however often the page repeats it."""
    html = page(language, middle=p(label) + p("Mehr Geld für Brücken, sagte er.") + p(label))

    assert label not in text_of(html)


def test_subheading_inside_the_story_is_kept():
    """A short block between two paragraphs, said once, is a subheading and stays."""
    html = page("en", middle="<h2>What happens next</h2>")

    assert "What happens next" in text_of(html)


def test_sentence_with_a_link_inside_the_story_is_kept():
    """A sentence made mostly of a link stays when it sits inside the prose."""
    sentence = '<p><a href="/rapport">Le rapport complet de la commission sur les inondations est en ligne</a>.</p>'

    assert "Le rapport complet de la commission sur les inondations est en ligne." in text_of(page("fr", middle=sentence))
