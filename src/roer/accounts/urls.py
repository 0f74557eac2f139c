from django.urls import path

from roer.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify_view, name="verify"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor_view, name="two-factor"),
    path("two-factor/authenticator/", views.totp_setup_view, name="totp-setup"),
    path("activate/", views.activate_view, name="activate"),
    path("activate/account/", views.activate_account_view, name="activate-account"),
    path("password-reset/", views.TenantPasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.TenantPasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.TenantPasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        views.TenantPasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
