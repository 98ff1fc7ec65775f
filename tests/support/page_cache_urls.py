"""The site's URLs plus two tiny views for the page cache's tests: a form page and its POST."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from sendtracker.cache import cache_page
from sendtracker.urls import urlpatterns as site_urlpatterns

FORM_PAGE = engines["django"].from_string(
    '<form method="post" action="/test-form/">{% csrf_token %}<button>Send</button></form>'
)


def form_page(request):
    return HttpResponse(FORM_PAGE.render({}, request))


def form_post(request):
    return HttpResponse("accepted")


def cookie_page(request):
    response = HttpResponse("remembered")
    response.set_cookie("preference", "large-text")
    return response


@cache_page()
def form(request):
    return form_post(request) if request.method == "POST" else form_page(request)


urlpatterns = [
    path("test-form/", form),
    path("test-cookie/", cache_page()(cookie_page)),
    *site_urlpatterns,
]
