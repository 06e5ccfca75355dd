"""Synthetic news copy for the bulk archive: headlines, standfirsts and paragraphs from word lists.

The copy is set in the demo newsroom's fictional world (Port Alder, the
Meridian coast, the Coastal States). It only has to read like news at a
glance and give search something to find; each call takes a random.Random
so an archive made with a seed is the same every time.
"""

# Each section: who acts, what they act on, what they do (present tense for
# headlines, past for body copy), and the tags its stories carry.
SECTIONS = {
    "world": {
        "actors": ["The Coastal States Council", "Carrowmark's foreign ministry", "Lusenian officials",
                   "Aid agencies", "The Tessaline Islands government", "Border officials", "Envoys from Vellmouth"],
        "things": ["a fishing rights treaty", "the Sallow Strait shipping rules", "a ceasefire along the river border",
                   "emergency grain shipments", "new visa rules", "a joint coastguard patrol", "flood relief funds"],
        "verbs": [("agree", "agreed"), ("reject", "rejected"), ("delay", "delayed"), ("sign", "signed"),
                  ("review", "reviewed"), ("extend", "extended")],
        "tags": ["coastal states council", "carrowmark", "lusenia", "tessaline islands", "sallow strait",
                 "diplomacy", "aid", "borders"],
    },
    "politics": {
        "actors": ["The city council", "Mayor Ilse Varga", "Opposition councillors", "The harbour committee",
                   "The finance office", "Ward representatives", "The elections board"],
        "things": ["the harbour budget", "a cap on short-term lets", "the tram extension", "a new ward map",
                   "the council tax rise", "school funding", "the waterfront plan"],
        "verbs": [("approve", "approved"), ("block", "blocked"), ("debate", "debated"), ("back", "backed"),
                  ("scrap", "scrapped"), ("propose", "proposed")],
        "tags": ["elections", "port alder", "housing", "city council", "transport", "budget", "schools"],
    },
    "business": {
        "actors": ["Dunmore & Vale Shipping", "Port Alder's container terminal", "Local retailers",
                   "The Meridian Chamber of Commerce", "Kestrel Systems", "Harbour bakeries", "Regional lenders"],
        "things": ["quarterly profits", "a new freight route", "wage talks", "a takeover bid", "hiring plans",
                   "energy prices", "a warehouse expansion"],
        "verbs": [("report", "reported"), ("cut", "cut"), ("raise", "raised"), ("announce", "announced"),
                  ("weigh", "weighed"), ("drop", "dropped")],
        "tags": ["economy", "markets", "shipping", "port strike", "jobs", "energy", "retail"],
    },
    "technology": {
        "actors": ["Kestrel Systems", "The city's open data team", "University of Port Alder engineers",
                   "A Vellmouth start-up", "Regulators", "The library service", "Network operators"],
        "things": ["a new transit app", "public Wi-Fi on the trams", "an open data portal", "a data breach",
                   "rural broadband", "a chip plant", "a ban on facial recognition"],
        "verbs": [("launch", "launched"), ("test", "tested"), ("pause", "paused"), ("expand", "expanded"),
                  ("investigate", "investigated"), ("unveil", "unveiled")],
        "tags": ["kestrel systems", "open data", "privacy", "broadband", "software", "start-ups"],
    },
    "science": {
        "actors": ["University of Port Alder researchers", "Marine biologists", "The coastal observatory",
                   "Climate scientists", "Volunteer divers", "The weather service", "Astronomers at Fennick"],
        "things": ["a seagrass survey", "record sea temperatures", "a new species of crab", "the heatwave forecast",
                   "tidal flood maps", "a comet sighting", "river water quality"],
        "verbs": [("publish", "published"), ("find", "found"), ("track", "tracked"), ("measure", "measured"),
                  ("map", "mapped"), ("warn of", "warned of")],
        "tags": ["climate", "oceans", "weather", "heatwave", "space", "water", "research"],
    },
    "sports": {
        "actors": ["Port Alder Athletic", "Greywater Rovers", "The harbour rowing club", "The city marathon",
                   "Vellmouth United", "The national athletics squad", "The women's cricket team"],
        "things": ["the title race", "a late equaliser", "a new manager", "the cup semi-final", "a stadium deal",
                   "a course record", "the relegation fight"],
        "verbs": [("win", "won"), ("lose", "lost"), ("clinch", "clinched"), ("chase", "chased"),
                  ("sign", "signed"), ("survive", "survived")],
        "tags": ["football", "port alder athletic", "greywater rovers", "athletics", "rowing", "cricket"],
    },
    "culture": {
        "actors": ["The Alder Film Festival", "The harbour museum", "A Port Alder choir", "Local booksellers",
                   "The city gallery", "A Vellmouth theatre company", "The maritime archive"],
        "things": ["a new exhibition", "its autumn programme", "a rediscovered manuscript", "a photography prize",
                   "free Sunday openings", "a festival line-up", "a restored lighthouse lens"],
        "verbs": [("open", "opened"), ("announce", "announced"), ("celebrate", "celebrated"), ("unveil", "unveiled"),
                  ("cancel", "cancelled"), ("honour", "honoured")],
        "tags": ["alder film festival", "museums", "books", "music", "film", "photography", "theatre"],
    },
}
# Sections the demo does not have read like general news.
GENERAL = {
    "actors": ["City officials", "Residents", "A local charity", "The harbour authority", "Campaigners",
               "The regional government", "Volunteers"],
    "things": ["a new plan", "the summer timetable", "a public consultation", "repairs to the sea wall",
               "a funding shortfall", "the annual report", "a community project"],
    "verbs": [("announce", "announced"), ("back", "backed"), ("question", "questioned"), ("delay", "delayed"),
              ("welcome", "welcomed"), ("review", "reviewed")],
    "tags": ["port alder", "community", "local news", "meridian coast"],
}

PLACES = ["Port Alder", "Vellmouth", "Carrowmark", "the Meridian coast", "Fennick", "the Tessaline Islands",
          "the old harbour district", "the northern wards", "the Sallow Strait", "Lusenia"]
WHEN = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "at the weekend", "this week",
        "late on Sunday", "earlier this month", "overnight"]
SPEAKERS = ["a spokesperson", "a senior official", "one resident", "an analyst at the Meridian Institute",
            "the chair of the committee", "a union representative", "a local shop owner", "the project's director"]
OUTCOMES = ["would take effect next year", "could cost more than expected", "was long overdue",
            "had wide support in the city", "left many questions unanswered", "would be reviewed in the spring",
            "marked a turning point", "was only a first step"]
REACTIONS = ["welcomed the decision", "called for a delay", "asked for more detail", "said they would appeal",
             "promised to keep watching closely", "warned of higher costs", "praised the quick response"]
FIGURES = ["12", "40", "150", "1,200", "about 300", "more than 80", "nearly 500", "six", "hundreds of", "dozens of"]
UNITS = ["households", "jobs", "ships", "visitors", "members", "schools", "businesses", "families"]
HEADLINE_TAILS = ["after long talks", "amid protests", "despite warnings", "in surprise move", "as costs rise",
                  "for second year", "ahead of vote", "after storm damage"]

FIRST_NAMES = ["Ada", "Bram", "Carys", "Dario", "Elin", "Farah", "Gideon", "Hana", "Ivo", "Jonna", "Kasimir",
               "Lena", "Milo", "Nadia", "Oren", "Petra", "Quentin", "Rosa", "Soren", "Talia", "Ulla", "Viktor",
               "Wren", "Yusuf", "Zara", "Anouk", "Bastian", "Clio", "Emeric", "Freya"]
LAST_NAMES = ["Abernethy", "Brandt", "Calloway", "Dunmore", "Ekwall", "Ferreira", "Gallan", "Halloran", "Ishida",
              "Jansen", "Korhonen", "Lachance", "Marlow", "Novak", "Okafor", "Pellham", "Quist", "Rasmussen",
              "Sorell", "Thorne", "Ueda", "Varga", "Whitlock", "Ysander", "Zielinski"]


def vocabulary(section_slug):
    return SECTIONS.get(section_slug, GENERAL)


def section_tags(section_slug):
    return vocabulary(section_slug)["tags"]


def byline_names():
    return [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]


def headline(rng, section_slug):
    words = vocabulary(section_slug)
    actor, thing = rng.choice(words["actors"]), rng.choice(words["things"])
    present, _ = rng.choice(words["verbs"])
    # Headlines drop "The" and use the present tense, as news headlines do.
    actor = sentence_case(actor.removeprefix("The "))
    verb = present if actor.endswith("s") and not actor.endswith("ss") else present_singular(present)
    if rng.random() < 0.5:
        return f"{actor} {verb} {thing} {rng.choice(HEADLINE_TAILS)}"
    return f"{actor} {verb} {thing} in {rng.choice(PLACES)}"


def present_singular(verb):
    head, _, rest = verb.partition(" ")
    head = head + "es" if head.endswith(("ch", "sh", "s", "x")) else head + "s"
    return f"{head} {rest}".strip()


def standfirst(rng, section_slug):
    words = vocabulary(section_slug)
    return (
        f"{sentence_case(rng.choice(words['things']))} {rng.choice(OUTCOMES)}, "
        f"{rng.choice(SPEAKERS)} said. {sentence_case(rng.choice(FIGURES))} {rng.choice(UNITS)} "
        f"in {rng.choice(PLACES)} could be affected."
    )


def paragraph(rng, section_slug):
    return " ".join(sentence(rng, vocabulary(section_slug)) for _ in range(rng.randint(2, 4)))


def sentence(rng, words):
    # One template is drawn first, so only its blanks are filled.
    return rng.choice(SENTENCES)(rng, words)


def _happened(rng, words):
    _, past = rng.choice(words["verbs"])
    return (
        f"{rng.choice(words['actors'])} {past} {the(rng.choice(words['things']))} {rng.choice(WHEN)}, "
        f"according to {rng.choice(SPEAKERS)}."
    )


def _speaking(rng, words):
    return (
        f"Speaking in {rng.choice(PLACES)}, {rng.choice(SPEAKERS)} said {the(rng.choice(words['things']))} "
        f"{rng.choice(OUTCOMES)}."
    )


def _affected(rng, words):
    figure, units, place = sentence_case(rng.choice(FIGURES)), rng.choice(UNITS), rng.choice(PLACES)
    return f"{figure} {units} in {place} have been affected so far."


def _reactions(rng, words):
    actor = mid_sentence(rng.choice(words["actors"]))
    return f"Critics {rng.choice(REACTIONS)}, while {actor} {rng.choice(REACTIONS)}."


def _told(rng, words):
    return (
        f"{sentence_case(the(rng.choice(words['things'])))} {rng.choice(OUTCOMES)}, "
        f"{rng.choice(SPEAKERS)} told reporters {rng.choice(WHEN)}."
    )


def _figures(rng, words):
    return f"Figures seen by the paper suggest {rng.choice(FIGURES)} {rng.choice(UNITS)} could benefit."


SENTENCES = [_happened, _speaking, _affected, _reactions, _told, _figures]


def the(thing):
    """A thing mentioned again: "a new plan" becomes "the new plan"."""
    return "the " + thing.removeprefix("a ").removeprefix("an ").removeprefix("the ")


def mid_sentence(actor):
    return "the " + actor.removeprefix("The ") if actor.startswith("The ") else actor


def sentence_case(text):
    return text[:1].upper() + text[1:]
