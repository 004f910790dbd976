"""Back-office tasks: the list, the card, taking, steps, comments."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fulfilment.api.errors import error_responses
from fulfilment.api.serializers import tasks as s
from fulfilment.api.views.base import ApiViewSet
from fulfilment.handover import selectors as task_selectors
from fulfilment.handover import services as task_services
from fulfilment.handover.models import Task
from fulfilment.handover.views.tasks import task_actions


@extend_schema_view(
    list=extend_schema(
        summary="Tasks the user may see",
        description="The tasks of the user's departments, those assigned to them, those of "
        "their deals and those they take part in (everything for the operations director).",
        parameters=[s.TaskFilterSerializer],
        responses={200: s.TaskSerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary="A task, with the steps the user may take",
        responses={200: s.TaskDetailSerializer, **error_responses(404)},
    ),
    take=extend_schema(
        summary="Take the task (assign it to yourself)",
        description="Open tasks of your department that nobody else has taken.",
        request=None,
        responses={200: s.TaskDetailSerializer, **error_responses(404, 409)},
    ),
    transition=extend_schema(
        summary="Start, complete, cancel or reopen the task",
        description="Cancelling and reopening ask for a comment; reopening is for the "
        "department head.",
        request=s.TaskTransitionSerializer,
        responses={200: s.TaskDetailSerializer, **error_responses(400, 404, 409)},
    ),
    comment=extend_schema(
        summary="Comment on the task",
        request=s.TaskCommentSerializer,
        responses={201: s.TaskDetailSerializer, **error_responses(400, 404)},
    ),
)
class TaskViewSet(ApiViewSet):
    queryset = Task.objects.none()
    serializer_class = s.TaskSerializer
    filter_serializer_class = s.TaskFilterSerializer

    def visible(self):
        return task_selectors.with_card_data(
            task_selectors.tasks_visible_to(self.request.user)
        ).order_by("deadline", "pk")

    def respond(self, task: Task, *, code: int = status.HTTP_200_OK) -> Response:
        context = {
            **self.get_serializer_context(),
            "transitions": task_actions(self.request.user, task),
        }
        return Response(s.TaskDetailSerializer(task, context=context).data, status=code)

    def list(self, request: Request) -> Response:
        filters = self.query()
        tasks = task_selectors.search(self.get_queryset(), filters.get("q", ""))
        if filters.get("department"):
            tasks = tasks.filter(department=filters["department"])
        if filters.get("status"):
            tasks = tasks.filter(status=filters["status"])
        if filters.get("deal"):
            tasks = tasks.filter(deal_id=filters["deal"])
        if filters["mine"]:
            tasks = tasks.filter(assignee=request.user)
        return self.paginated(tasks)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self.respond(self.get_object())

    @action(detail=True, methods=["post"])
    def take(self, request: Request, pk: str) -> Response:
        task = task_services.task_take(task=self.get_object(), actor=request.user)
        return self.respond(self.fresh(task))

    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str) -> Response:
        task = self.get_object()
        serializer = s.TaskTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = task_services.task_transition(
            task=task,
            name=serializer.validated_data["name"],
            actor=request.user,
            comment=serializer.validated_data["comment"],
            expected_status=serializer.validated_data.get("expected_status"),
        )
        return self.respond(self.fresh(task))

    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: str) -> Response:
        task = self.get_object()
        serializer = s.TaskCommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task_services.task_comment_add(
            task=task, author=request.user, text=serializer.validated_data["text"]
        )
        return self.respond(self.fresh(task), code=status.HTTP_201_CREATED)
