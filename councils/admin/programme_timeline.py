"""Admin for the programme's timeline and the earlier names of the programme and its partnerships.

A name recorded here is a former name, kept with the day it was replaced; today's name
is the programme's or partnership's own field. (To move into the councils/admin/ package.)
"""

from django.contrib import admin
from django.utils.text import Truncator

from sendtracker.admin_mixins import HTTPS_URLS

from ..models import PartnershipName, ProgrammeEvent, ProgrammeName


@admin.register(ProgrammeEvent)
class ProgrammeEventAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("date", "summary", "source_title", "programme")
    list_filter = ("programme", "precision", "happened_on")
    list_select_related = ("programme",)
    search_fields = ("text", "source_title", "source_url")
    date_hierarchy = "happened_on"
    fields = ("programme", "happened_on", "precision", "text", "source_url", "source_title")

    @admin.display(description="Date", ordering="happened_on")
    def date(self, obj):
        return obj.date_text

    @admin.display(description="What happened")
    def summary(self, obj):
        return Truncator(obj.text).chars(90)


@admin.register(ProgrammeName)
class ProgrammeNameAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("name", "of", "replaced_on", "programme")
    list_filter = ("programme", "of")
    list_select_related = ("programme",)
    search_fields = ("name", "source_title")


@admin.register(PartnershipName)
class PartnershipNameAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("name", "partnership", "replaced_on")
    list_filter = ("replaced_on",)
    list_select_related = ("partnership",)
    search_fields = ("name", "partnership__name", "source_title")
    autocomplete_fields = ("partnership",)
