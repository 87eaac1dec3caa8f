import pytest

from jixiao.changelog.models import ChangeRecord
from jixiao.evaluations.models import Evaluation, IndicatorScore
from jixiao.evaluations.services import evaluation_store
from jixiao.projects.models import Allocation, Project
from jixiao.regions.models import Region
from jixiao.surveys.models import SurveyQuestion
from tests.factories import sample_project

pytestmark = pytest.mark.django_db


def _store(project):
    return evaluation_store(actor=None, project_input=project, source="t.xlsx")


def test_regions_seeded_with_codes_and_cost_sharing():
    jinning = Region.objects.get(code="530115")
    assert jinning.name == "晋宁区" and "晋宁县" in jinning.aliases and "530122" in jinning.aliases
    assert (jinning.city_share, jinning.county_share) == (5, 5)
    assert Region.objects.get(name="东川区").cost_share_label == "7:3"
    assert Region.objects.get(short_name="阳宗海").gb_code is None
    kunming = Region.objects.get(code="530100")
    assert Region.objects.filter(path__startswith=kunming.path, level__in=["county", "zone"]).count() == 18


def test_store_writes_project_evaluation_scores_and_change_record():
    evaluation = _store(sample_project())
    project = Project.objects.get()
    assert str(evaluation.total_score) == "99.50" and evaluation.grade == "优"
    assert project.region.code == "530100"
    allocations = list(Allocation.objects.filter(project=project).order_by("position"))
    assert [(a.region.code, a.amount_fen, a.actual_beneficiaries) for a in allocations] == [
        ("530125", 60_000_000, 600), ("530124", 40_000_000, 420)]
    a12 = IndicatorScore.objects.get(evaluation=evaluation, code="A12")
    assert str(a12.score) == "4.50" and a12.parent.code == "A1" and a12.band == "达成"
    assert IndicatorScore.objects.get(evaluation=evaluation, code="A").score == 19.5
    assert SurveyQuestion.objects.filter(survey__evaluation=evaluation).count() == 2
    record = ChangeRecord.objects.get()
    assert record.action == "create" and "99.50" in record.note
    assert (record.subject_type.model, record.subject_id, record.about_id, record.region) == (
        "project", str(project.pk), str(project.pk), project.region)
    assert evaluation.figures["total_score"] == "99.50"


def test_restore_updates_same_project_and_records_change():
    _store(sample_project())
    changed = sample_project(balance_reason="上级多拨")
    changed.allocations = changed.allocations[:1]
    _store(changed)
    project = Project.objects.get()
    assert project.evaluations.count() == 2
    assert Evaluation.objects.latest().project == project
    assert Allocation.objects.filter(project=project).count() == 1
    update = ChangeRecord.objects.filter(action="import").get()
    assert update.changes["balance_reason"] == ["", "上级多拨"]


def test_store_is_atomic_on_unknown_region():
    project = sample_project()
    project.allocations[1].region_code = ""
    project.allocations[1].region_name = "火星县"
    from jixiao.projects.services import StoreError

    with pytest.raises(StoreError):
        _store(project)
    assert Project.objects.count() == 0 and Evaluation.objects.count() == 0 and ChangeRecord.objects.count() == 0


def test_builtin_templates_and_default_grade_scale_installed():
    from jixiao.indicators.models import GradeScale, IndicatorTemplate, TemplateNode

    keys = set(IndicatorTemplate.objects.values_list("key", flat=True))
    assert {"昆明ABC", "财预2020-10"} <= keys
    kunming = IndicatorTemplate.objects.get(key="昆明ABC")
    level1 = TemplateNode.objects.filter(template=kunming, parent_code="")
    assert sorted((n.code, int(n.weight)) for n in level1) == [("A", 20), ("B", 20), ("C", 60)]
    bands = GradeScale.objects.get(is_default=True).bands.all()
    assert [(b.grade, int(b.lower_bound)) for b in bands] == [("优", 90), ("良", 80), ("中", 60), ("差", 0)]
