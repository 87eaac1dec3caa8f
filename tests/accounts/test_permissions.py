"""The permissions module: the rules are data, complete and consistent, and decide every reach."""

import pytest

from jixiao.accounts import permissions
from jixiao.accounts.permissions import RULES, Action, Kind, Reach
from jixiao.accounts.roles import ROLE_REGION_LEVELS, Role
from jixiao.accounts.services import user_create
from jixiao.projects.models import Project
from jixiao.regions.models import Region

pytestmark = pytest.mark.django_db


def test_rules_name_only_known_roles_and_every_kind_has_a_rule():
    assert {role for rule in RULES.values() for role in rule} <= set(Role.values)
    assert {kind for kind, _ in RULES} == set(Kind)
    # A reach to a subtree needs a region, which only regional roles have.
    for (kind, action), rule in RULES.items():
        for role, reach in rule.items():
            if reach is Reach.SUBTREE:
                assert role in ROLE_REGION_LEVELS, (kind, action, role)


# What the README's role table promises, read back from the rules.
EXPECTED = {
    (Kind.PROJECT, Action.VIEW): {"admin": "all", "city": "subtree", "county": "subtree", "township": "subtree",
                                  "village": "subtree", "finance": "subtree", "evaluator": "assigned"},
    (Kind.PROJECT, Action.CHANGE): {"admin": "all", "city": "subtree", "county": "subtree", "township": "subtree",
                                    "village": "subtree", "finance": None, "evaluator": None},
    (Kind.PROJECT, Action.SCORE): {"admin": "all", "city": "subtree", "county": "subtree", "township": "subtree",
                                   "village": "subtree", "finance": None, "evaluator": "assigned"},
    (Kind.PERSON, Action.VIEW): {"admin": "all", "city": "subtree", "county": "subtree", "township": "subtree",
                                 "village": "subtree", "finance": "subtree", "evaluator": None},
    (Kind.PERSON, Action.UNMASK): {"admin": "all", "city": None, "county": "subtree", "township": "subtree",
                                   "village": "subtree", "finance": None, "evaluator": None},
    (Kind.JOB, Action.VIEW): {"admin": "all", "city": "own", "county": "own", "township": "own", "village": "own",
                              "finance": "own", "evaluator": "own"},
}
PERSONA_OF_ROLE = {"admin": "admin", "city": "city", "county": "county_yl", "township": "town_yl",
                   "village": "village_yl", "finance": "finance_city", "evaluator": "evaluator"}


@pytest.mark.parametrize("rule", list(EXPECTED))
def test_reach_of_every_role(world, rule):
    kind, action = rule
    got = {role: permissions.reach(world.users[persona], action, kind)
           for role, persona in PERSONA_OF_ROLE.items()}
    assert {role: (str(r) if r else None) for role, r in got.items()} == EXPECTED[rule]


def test_a_user_without_a_region_reaches_nothing_through_a_subtree_rule(world):
    user = user_create(actor=None, username="noregion", password="x", role=Role.EVALUATOR, check_password=False)
    assert permissions.reach(user, Action.VIEW, Kind.PERSON) is None
    assert permissions.scoped(user, Action.VIEW, Kind.PROJECT, Project.objects.all(), path="region__path",
                              assigned="assignments__user_id").count() == 0


def test_may_on_follows_the_reach(world):
    yiliang, fumin = world.regions["yiliang"], world.regions["fumin"]
    county = world.users["county_yl"]
    assert permissions.may_on(county, Action.CHANGE, Kind.PROJECT, region=world.regions["yl_village"]) is True
    assert permissions.may_on(county, Action.CHANGE, Kind.PROJECT, region=fumin) is False
    assert permissions.may_on(county, Action.VIEW, Kind.JOB, owner_id=county.pk) is True
    assert permissions.may_on(county, Action.VIEW, Kind.JOB, owner_id=world.users["city"].pk) is False
    evaluator = world.users["evaluator"]
    assert permissions.may_on(evaluator, Action.SCORE, Kind.PROJECT, region=yiliang, assigned=lambda uid: True)
    assert not permissions.may_on(evaluator, Action.SCORE, Kind.PROJECT, region=yiliang, assigned=lambda uid: False)
    assert permissions.may_on(world.users["admin"], Action.DELETE, Kind.PROJECT, region=Region.objects.get(code="530100"))


def test_scope_keys_are_shared_exactly_by_users_who_see_the_same(world):
    city = user_create(actor=None, username="city2", password="x", role=Role.CITY, region=world.regions["kunming"],
                       check_password=False)
    key = permissions.scope_key
    assert key(city, Action.VIEW, Kind.PROJECT) == key(world.users["city"], Action.VIEW, Kind.PROJECT)
    assert key(world.users["county_yl"], Action.VIEW, Kind.PROJECT) != key(world.users["county_fm"], Action.VIEW,
                                                                             Kind.PROJECT)
    evaluator2 = user_create(actor=None, username="ev2", password="x", role=Role.EVALUATOR, check_password=False)
    assert key(evaluator2, Action.VIEW, Kind.PROJECT) != key(world.users["evaluator"], Action.VIEW, Kind.PROJECT)
