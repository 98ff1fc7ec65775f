"""Public pages for the tracker's facts. Thin: fetch through a queryset, render."""

from django.shortcuts import get_object_or_404, render

from .models import Contract, Council, KeyFigure, Partnership, StatusChange


def home(request):
    return render(
        request,
        "councils/home.html",
        {
            "key_figures": KeyFigure.objects.select_related("programme"),
            "latest_changes": StatusChange.objects.for_timeline()[:10],
        },
    )


def tracker(request):
    councils = Council.objects.in_pilot().select_related("icb")
    return render(request, "councils/tracker.html", {"councils": councils})


def council_detail(request, slug):
    council = get_object_or_404(Council.objects.select_related("icb"), slug=slug)
    return render(
        request,
        "councils/council_detail.html",
        {"council": council, "timeline": council.status_changes.order_by("-effective_on", "-recorded_at")},
    )


def partnership_list(request):
    partnerships = Partnership.objects.select_related("lead_council").prefetch_related("memberships__council")
    return render(request, "councils/partnership_list.html", {"partnerships": partnerships})


def partnership_detail(request, slug):
    partnership = get_object_or_404(Partnership.objects.select_related("lead_council"), slug=slug)
    return render(request, "councils/partnership_detail.html", {"partnership": partnership})


def contract_list(request):
    contracts = Contract.objects.all()
    return render(
        request,
        "councils/contract_list.html",
        {"contracts": contracts, "totals": contracts.totals_by_role(), "total": contracts.total()},
    )


def change_list(request):
    return render(request, "councils/change_list.html", {"changes": StatusChange.objects.for_timeline()[:100]})
