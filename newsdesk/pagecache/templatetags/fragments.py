"""{% fragment "name" value… %}…{% endfragment %}: a part of a template kept per content version."""

from django import template
from django.utils.safestring import mark_safe

from ..fragments import cached_fragment

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, name, vary, nodelist):
        self.name = name
        self.vary = vary
        self.nodelist = nodelist

    def render(self, context):
        vary = [value.resolve(context) for value in self.vary]
        markup = cached_fragment(
            context.get("request"), self.name, vary, lambda: str(self.nodelist.render(context))
        )
        # The markup is this template's own output, escaped when it was rendered.
        return mark_safe(markup)


@register.tag
def fragment(parser, token):
    """Keep what the block renders, per its name, the values after it and the request's host.

    Put in the values every object the block shows is found from (the page's
    id for a story's body); what changes without them changes the content
    version, which replaces every fragment.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name")
    name = bits[1].strip("\"'")
    vary = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(name, vary, nodelist)
