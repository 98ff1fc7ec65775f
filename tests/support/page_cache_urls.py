"""The site's URLs plus two tiny views for the page cache's tests: a form page and its POST."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

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


urlpatterns = [
    path("test-form/", lambda request: form_post(request) if request.method == "POST" else form_page(request)),
    path("test-cookie/", cookie_page),
    *site_urlpatterns,
]
