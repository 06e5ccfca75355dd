"""The schema.org vocabulary, read from its JSON-LD release, to check our JSON-LD against."""

import json


def ids(value):
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item["@id"].removeprefix("schema:") for item in items]


class Vocabulary:
    def __init__(self, classes, properties):
        self.classes = classes  # name -> parent class names
        self.properties = properties  # name -> (domain class names, range class names)

    @classmethod
    def load(cls, path):
        graph = json.loads(path.read_text(encoding="utf-8"))["@graph"]
        classes, properties = {}, {}
        for node in graph:
            if not node["@id"].startswith("schema:"):
                continue
            name = node["@id"].removeprefix("schema:")
            types = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
            if "rdfs:Class" in types:
                classes[name] = ids(node.get("rdfs:subClassOf"))
            elif "rdf:Property" in types:
                properties[name] = (
                    ids(node.get("schema:domainIncludes")),
                    ids(node.get("schema:rangeIncludes")),
                )
        return cls(classes, properties)

    def ancestry(self, name):
        """The class and every class above it."""
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.classes.get(current, []))
        return seen

    def problems(self, node, path="$"):
        """Every unknown type, unknown property or property used outside its domain or range."""
        found = []
        if isinstance(node, list):
            for index, item in enumerate(node):
                found += self.problems(item, f"{path}[{index}]")
            return found
        if not isinstance(node, dict):
            return found
        kind = node.get("@type")
        if kind is None:
            return [f"{path}: no @type"]
        if kind not in self.classes:
            return [f"{path}: unknown type {kind}"]
        lineage = self.ancestry(kind)
        for key, value in node.items():
            if key.startswith("@"):
                continue
            # Actions annotate a property with "<property>-input" (schema.org's
            # Potential Actions convention), e.g. SearchAction's query-input.
            name = key.removesuffix("-input").removesuffix("-output")
            if name not in self.properties:
                found.append(f"{path}.{key}: unknown property")
                continue
            domain, allowed = self.properties[name]
            if not lineage & set(domain):
                found.append(f"{path}.{key}: not a property of {kind}")
            values = value if isinstance(value, list) else [value]
            for item in values:
                if isinstance(item, dict) and not self.ancestry(item.get("@type", "")) & set(allowed):
                    found.append(f"{path}.{key}: a {item.get('@type')} is not in its range {allowed}")
            if name == key:
                found += self.problems(value, f"{path}.{key}")
        return found
