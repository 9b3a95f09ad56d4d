from django.conf import settings


def site(request):
    """Names every template may use, without each view passing them."""
    return {
        "site_name": settings.DOSSIER_SITE_NAME,
        "archive_name": settings.DOSSIER_ARCHIVE_NAME,
        "stale_translation_notice": settings.DOSSIER_STALE_TRANSLATION_NOTICE,
    }
