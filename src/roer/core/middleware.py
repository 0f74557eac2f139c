from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class DutchUnlessChosenMiddleware:
    """Roer speaks Dutch unless the person chose another language (the language cookie).

    A browser's Accept-Language says what the device was set up with, not what a tenant of a Dutch
    corporation expects to read; so it is ignored, and LocaleMiddleware falls back to LANGUAGE_CODE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
