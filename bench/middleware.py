"""The page cache as `make bench` runs it: a request with ``X-Bench-No-Page-Cache`` goes past it to the view."""

from sendtracker.cache.middleware import PageCacheMiddleware

BYPASS_HEADER = "HTTP_X_BENCH_NO_PAGE_CACHE"


class BenchPageCacheMiddleware(PageCacheMiddleware):
    def cacheable_request(self, request):
        return BYPASS_HEADER not in request.META and super().cacheable_request(request)
