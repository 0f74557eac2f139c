"""The rent account under /portal/huur/ (namespace `portal`)."""

from django.urls import path

from roer.portal import account_views

urlpatterns = [
    path("", account_views.account, name="account"),
    path("brieven/", account_views.letters, name="account-letters"),
    path("brieven/<int:letter_id>.pdf", account_views.letter_pdf, name="account-letter-pdf"),
    path("regeling/", account_views.arrangement, name="account-arrangement"),
    path("incasso/", account_views.mandate, name="account-mandate"),
    path("incasso/aanmelden/", account_views.mandate_sign_up, name="account-mandate-sign-up"),
    path("incasso/rekening/", account_views.mandate_change, name="account-mandate-change"),
    path("incasso/stoppen/", account_views.mandate_cancel, name="account-mandate-cancel"),
]
