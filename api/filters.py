"""django-filter for the API, with errors a data user can act on.

The FilterSets are the same ones the pages use (``councils.filters.CouncilFilter``) or
live beside each app's API. This backend only decides how their verdicts are told:
a malformed value is a 400 naming the parameter; a slug that names nothing (an
unknown council, partnership or article) is a 404 naming the parameter.
"""

from django import forms
from django_filters import filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import NotFound, ValidationError

BOOLEAN_SPELLINGS = {"true", "false", "True", "False", "1", "0"}


class APIFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.valid_filterset(request, queryset, view)
        return queryset if filterset is None else filterset.qs

    def valid_filterset(self, request, queryset, view):
        """The view's FilterSet for the request once its values are valid (None if the view has none);
        a 400 or 404 saying what is wrong otherwise."""
        refuse_null_characters(request)
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return None
        refuse_unclear_booleans(request, filterset)
        refuse_empty_values(request, filterset)
        if not filterset.is_valid():
            raise filter_error(filterset)
        return filterset


def refuse_null_characters(request):
    for name, values in request.query_params.lists():
        if any("\x00" in value for value in values):
            raise ValidationError({name[:50].replace("\x00", ""): ["Null characters are not allowed."]})


def refuse_unclear_booleans(request, filterset):
    """A yes/no filter takes true or false; anything else is a mistake worth saying so."""
    for name, field in filterset.filters.items():
        if isinstance(field, filters.BooleanFilter):
            raw = request.query_params.get(name)
            if raw not in (None, "") and raw not in BOOLEAN_SPELLINGS:
                raise ValidationError({name: [f"“{raw[:50]}” is not true or false."]})


def refuse_empty_values(request, filterset):
    """``?status=``, ``?since=`` or ``?ordering=name,,`` say nothing; only text and slug filters may be blank."""
    for name, field in filterset.filters.items():
        if isinstance(field, filters.CharFilter | filters.ModelChoiceFilter):
            continue
        values = request.query_params.getlist(name, [])
        if isinstance(field, filters.BaseCSVFilter):
            values = [item for value in values for item in value.split(",")]
        if "" in values:
            raise ValidationError({name: ["Give a value, or leave the parameter out."]})


def filter_error(filterset):
    errors = filterset.form.errors.as_data()
    unknown = {}
    for name, field_errors in errors.items():
        form_field = filterset.form.fields.get(name)
        if isinstance(form_field, forms.ModelChoiceField) and all(e.code == "invalid_choice" for e in field_errors):
            model = form_field.queryset.model._meta.verbose_name
            raw = filterset.form.data.get(name, "")
            unknown[name] = [f"No {model} has the slug “{str(raw)[:100]}”."]
    if unknown and len(unknown) == len(errors):
        return NotFound(unknown)
    return ValidationError(
        {name: [str(message) for message in messages] for name, messages in filterset.errors.items()}
    )
