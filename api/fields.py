"""Serializer fields every endpoint uses: the object's public page, and how to join on councils."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import reverse as drf_reverse
from rest_framework import serializers

from councils import sources
from sendtracker.site_url import absolute_url


def page_url(obj):
    """The absolute address of the object's public page, on the site's canonical host."""
    return absolute_url(obj.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The public page for the object (absolute URL)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", "The object's public page on the tracker (absolute URL).")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return page_url(value)


def _plain_reverse(viewname, args=None, kwargs=None, request=None, format=None, **extra):
    # DRF's reverse() carries ?format=csv into every link; an object's API address is the same in any format.
    # On the site's own address, never the request's Host.
    return absolute_url(drf_reverse._reverse(viewname, args=args, kwargs=kwargs, request=None, format=format, **extra))


class APIIdentityField(serializers.HyperlinkedIdentityField):
    """The object's own address in the API (absolute URL)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.reverse = _plain_reverse


class APIRelatedField(serializers.HyperlinkedRelatedField):
    """A related object's address in the API (absolute URL)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.reverse = _plain_reverse


class PublicSourceMixin:
    """For a serializer with ``source_url`` (and maybe ``source_title``): a source not public yet is answered blank.

    ``councils.sources`` names the site's paths that are not public yet (an unpublished
    article cited as a source); they are read once per response and kept in the context.
    """

    def to_representation(self, instance):
        data = super().to_representation(instance)
        context = self.context
        if "hidden_sources" not in context:
            context["hidden_sources"] = sources.hidden_paths()
        if sources.is_hidden(data.get("source_url") or "", context["hidden_sources"]):
            data["source_url"] = ""
            if "source_title" in data:
                data["source_title"] = ""
        return data
