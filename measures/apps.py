from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Integrationskonzept")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

        from . import models
        from .versions import (
            bump_data_version,
            bump_data_version_for_deleted_update,
            bump_data_version_for_saved_update,
            bump_site_pages_version,
            remember_published_state,
        )

        public_models = [
            models.Concept,
            models.FieldOfAction,
            models.Goal,
            models.ResponsibleUnit,
            models.Measure,
            models.MeasureResponsibility,
            models.SitePage,
            # Indicators, their values and milestones; report rounds date how current a status is.
            *(models.Indicator, models.IndicatorTarget, models.IndicatorValue, models.Milestone, models.ReportRound),
            *(models.BreakdownDimension, models.BreakdownCategory),
        ]
        for model in public_models:
            post_save.connect(bump_data_version, sender=model, dispatch_uid=f"public-version-save-{model.__name__}")
            post_delete.connect(bump_data_version, sender=model, dispatch_uid=f"public-version-del-{model.__name__}")
        # Status updates only count while published (see summaries).
        update = models.StatusUpdate
        pre_save.connect(remember_published_state, sender=update, dispatch_uid="update-version-before")
        post_save.connect(bump_data_version_for_saved_update, sender=update, dispatch_uid="update-version-save")
        post_delete.connect(bump_data_version_for_deleted_update, sender=update, dispatch_uid="update-version-del")
        # The legal pages show nothing but themselves: their own version, so that publishing a
        # status update leaves them cached. A change to them still moves the data version on.
        post_save.connect(bump_site_pages_version, sender=models.SitePage, dispatch_uid="site-pages-version-save")
        post_delete.connect(bump_site_pages_version, sender=models.SitePage, dispatch_uid="site-pages-version-del")
        m2m_changed.connect(bump_data_version, sender=models.Measure.goals.through, dispatch_uid="public-version-goals")
        for through in (models.Indicator.goals.through, models.Indicator.measures.through):
            m2m_changed.connect(bump_data_version, sender=through, dispatch_uid=f"public-version-{through.__name__}")
