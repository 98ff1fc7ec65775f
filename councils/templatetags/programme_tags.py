"""The programme's names for pages whose views do not pass the programme: {% load programme_tags %}."""

from django import template
from django.utils.text import capfirst

from councils.models import Programme

register = template.Library()


@register.simple_tag
def current_programme():
    """``{% current_programme as programme %}``: the programme with its earlier names (two queries), or None."""
    return Programme.objects.current()


@register.simple_tag
def partnerships_called(programme, *, heading=False, as_of=None):
    """Today's name for the partnerships, saying what they were called before where they were renamed.

    ``{% partnerships_called programme %}`` gives "Change Programme Partnerships (formerly regional
    expert partnerships)"; with ``heading=True`` today's name alone, capitalised, for an ``<h1>``;
    with ``as_of`` the name they had on that day.
    """
    name = programme.partnerships_name if programme else "regional expert partnerships"
    if programme and as_of:
        name = programme.partnerships_name_on(as_of)
    if heading:
        return capfirst(name)
    former = programme.partnerships_formerly if programme else ""
    return f"{name} (formerly {former})" if former else name
