"""List filters of the desk's admin pages."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class OriginalCorrectedFilter(admin.SimpleListFilter):
    """Staff find the translations whose original was corrected after approval."""

    title = _("original corrected since approval")
    parameter_name = "original_corrected"
    marked = "original_changed_at__isnull"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes: possibly out of date")), ("no", _("No"))]

    def queryset(self, request, queryset):
        marked = {self.marked: False}
        if self.value() == "yes":
            return queryset.filter(**marked).distinct()
        if self.value() == "no":
            return queryset.exclude(**marked)
        return queryset


class DocumentOriginalCorrectedFilter(OriginalCorrectedFilter):
    title = _("a translation's original corrected since approval")
    marked = "translations__original_changed_at__isnull"
