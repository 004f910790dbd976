import pytest
from django.contrib.auth.models import Group

from fulfilment.roles import Can, Role, can, capabilities_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_created_by_the_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


def test_capabilities_are_the_union_of_the_users_roles():
    user = UserFactory(roles=[Role.SALES_MANAGER, Role.LEGAL])
    assert can(user, Can.CREATE_DEALS)
    assert can(user, Can.VIEW_REALIZATION_DEALS)
    assert not can(user, Can.VIEW_ALL_DEALS)


def test_a_user_without_roles_may_do_nothing():
    assert capabilities_of(UserFactory()) == frozenset()


def test_an_inactive_user_may_do_nothing():
    assert (
        capabilities_of(UserFactory(is_active=False, roles=[Role.OPERATIONS_DIRECTOR]))
        == frozenset()
    )


def test_a_superuser_may_do_everything():
    assert capabilities_of(UserFactory(is_superuser=True)) == frozenset(Can)


def test_the_menu_shows_each_role_its_pages(client_of, accountant, manager, buyer):
    def menu(user) -> str:
        page = client_of(user).get("/tasks/").content.decode()
        return page.split('class="mainnav"')[1].split("</nav>")[0]

    assert "/payments/" in menu(accountant)
    assert "/payments/" not in menu(manager)
    assert "/supplier-orders/" in menu(buyer)
    assert "/supplier-orders/" not in menu(manager)
