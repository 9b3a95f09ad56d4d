"""Language codes as the Wilson Center API gives them: ISO 639-2/B ("chi", "ger"), where
this archive keeps ISO 639-1 where one exists ("zh", "de"), else ISO 639-3."""

from functools import lru_cache

import pycountry

from archive.models import Language


@lru_cache(maxsize=512)
def srv_code(code: str) -> str:
    """The ISO 639-2/B code of one of our codes (unchanged if ISO knows none)."""
    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    found = found or pycountry.languages.get(alpha_3=code)
    if found is None:
        return code
    return getattr(found, "bibliographic", None) or found.alpha_3


def srv_language(language: Language) -> dict:
    return {"id": srv_code(language.code), "name": language.name}


def from_srv_code(code: str) -> str:
    """Our code for an ISO 639-2/B (or 639-2/T, or our own) code; unknown codes are passed
    on as they are, for the search form to report."""
    code = code.strip().lower()[:12]
    for language_code in Language.objects.values_list("code", flat=True):
        if code in (language_code, srv_code(language_code)):
            return language_code
    found = pycountry.languages.get(alpha_3=code)
    alpha_2 = getattr(found, "alpha_2", None) if found else None
    return alpha_2 or code
