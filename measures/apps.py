from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Integrationskonzept")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from . import models
        from .versions import bump_after_migrate, bump_data_version, bump_for_status_update

        # Everything the public sees; see versions.py.
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
        m2m_changed.connect(bump_data_version, sender=models.Measure.goals.through, dispatch_uid="public-version-goals")
        for through in (models.Indicator.goals.through, models.Indicator.measures.through):
            m2m_changed.connect(bump_data_version, sender=through, dispatch_uid=f"public-version-{through.__name__}")
        update = models.StatusUpdate
        post_save.connect(bump_for_status_update, sender=update, dispatch_uid="public-version-update-save")
        post_delete.connect(bump_for_status_update, sender=update, dispatch_uid="public-version-update-del")
        post_migrate.connect(bump_after_migrate, sender=self, dispatch_uid="public-version-migrate")
