"""Regions in Django admin (系统管理): every add, edit and delete goes through jixiao.regions.services —
validated (level below its parent, no cycle, unique codes, cost share) and audited like any other write;
a moved region takes its whole subtree along."""

from django import forms
from django.contrib import admin, messages

from jixiao.regions import services
from jixiao.regions.models import Region


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = list(services.EDITABLE)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        values = services.region_values({k: data.get(k) for k in services.EDITABLE})
        stored = Region.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        try:
            services.region_check(values, region=stored)
        except services.RegionError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc))
        return data


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    form = RegionForm
    list_display = ("name", "code", "gb_code", "level", "parent", "cost_share_label", "townships_loaded",
                    "villages_loaded")
    list_filter = ("level", "villages_loaded")
    search_fields = ("name", "code", "short_name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", "townships_loaded", "villages_loaded")
    list_select_related = ("parent",)

    def save_model(self, request, obj, form, change):
        data = {k: form.cleaned_data.get(k) for k in services.EDITABLE}
        if change:
            changed = {k: data[k] for k in form.changed_data if k in services.EDITABLE}
            saved = services.region_update(actor=request.user, region=obj, note="系统管理", **changed)
        else:
            saved = services.region_create(actor=request.user, note="系统管理", **data)
        obj.pk, obj.path = saved.pk, saved.path  # the admin's own log and redirect use ``obj``

    def delete_model(self, request, obj):
        services.region_delete(actor=request.user, region=obj, note="系统管理")

    def delete_queryset(self, request, queryset):
        for region in sorted(queryset, key=lambda r: r.path, reverse=True):  # children before parents
            try:
                services.region_delete(actor=request.user, region=region, note="系统管理")
            except services.RegionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
