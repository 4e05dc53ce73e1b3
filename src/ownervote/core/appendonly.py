"""Append-only models at the ORM layer: every database gets this guard; PostgreSQL also has
triggers underneath (see the migrations), so raw SQL is refused there too."""

from django.db import models


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: update refused")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: delete refused")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: update refused")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} is append-only: update refused")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} is append-only: delete refused")
