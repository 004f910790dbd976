"""Every model of the project has a factory, and what each factory makes is valid."""

import inspect

import factory
import pytest
from django.apps import apps

from tests import factories
from tests.fulfilment import factories as fulfilment_factories

PROJECT_APPS = ("numbering", "orders", "payments", "fulfilment", "handover")


def project_models():
    return sorted(
        (model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS),
        key=lambda model: model._meta.label,
    )


def factories_by_model():
    found = {}
    for module in (factories, fulfilment_factories):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, factory.django.DjangoModelFactory) and cls._meta.model:
                # The first (base) factory of a model is the one that makes it plainly.
                found.setdefault(cls._meta.model, cls)
                if cls.__bases__[0] is factory.django.DjangoModelFactory:
                    found[cls._meta.model] = cls
    return found


def test_every_model_has_a_factory():
    missing = [m._meta.label for m in project_models() if m not in factories_by_model()]
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", project_models(), ids=lambda model: model._meta.label)
def test_each_factory_makes_a_valid_saved_row(model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    instance = factories_by_model()[model]()

    instance.refresh_from_db()
    # A protected state field may only change by its transitions, cleaning included.
    protected = [field.name for field in model._meta.fields if getattr(field, "protected", False)]
    instance.full_clean(exclude=protected)
    assert model.objects.filter(pk=instance.pk).exists()
