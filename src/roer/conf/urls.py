from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from roer.conf.health import healthz
from roer.portal.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("roer.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("roer.api.urls")),
    path("console/", include("roer.console.urls")),
    path("aannemer/", include("roer.contractors.urls")),
    path("portal/", include("roer.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
