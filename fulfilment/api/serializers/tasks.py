"""Back-office tasks."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fulfilment.api.serializers.common import (
    CodeField,
    DealBriefSerializer,
    DepartmentSerializer,
    Id,
    PersonSerializer,
    TransitionOptionSerializer,
    TransitionSerializer,
    step_names,
)
from fulfilment.handover.models import Department, Task


class TaskSerializer(serializers.ModelSerializer):
    department = DepartmentSerializer()
    assignee = PersonSerializer(allow_null=True)
    deal = DealBriefSerializer()
    overdue = serializers.SerializerMethodField()
    comment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Task
        fields = (
            "id",
            "title",
            "description",
            "department",
            "assignee",
            "deal",
            "status",
            "deadline",
            "overdue",
            "completed_at",
            "comment_count",
            "created_at",
            "updated_at",
        )

    def get_overdue(self, task: Task) -> bool:
        return task.is_overdue(self.context.get("now"))


class TaskDetailSerializer(TaskSerializer):
    transitions = serializers.SerializerMethodField()

    class Meta(TaskSerializer.Meta):
        fields = (*TaskSerializer.Meta.fields, "transitions")

    @extend_schema_field(TransitionOptionSerializer(many=True))
    def get_transitions(self, task: Task) -> list[dict]:
        return TransitionOptionSerializer(self.context.get("transitions", []), many=True).data


class TaskTransitionSerializer(TransitionSerializer):
    name = serializers.ChoiceField(choices=step_names(Task, "status"))
    expected_status = serializers.ChoiceField(
        choices=Task.Status.choices,
        required=False,
        help_text="The status you saw; if the task has changed since, the answer is 409.",
    )


class TaskCommentSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class TaskFilterSerializer(serializers.Serializer):
    department = CodeField(
        slug_field="code",
        queryset=Department.objects.all(),
        required=False,
        help_text="The department's code, e.g. finance, foreign_trade, legal.",
    )
    status = serializers.ChoiceField(choices=Task.Status.choices, required=False)
    q = serializers.CharField(
        required=False, max_length=100, help_text="Title, deal title or realization number."
    )
    deal = Id(help_text="The deal's id.")
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only the tasks assigned to you."
    )
