from django.urls import path

from fulfilment.handover.views import tasks as views
from fulfilment.handover.views import tower

app_name = "handover"

urlpatterns = [
    path("tasks/", views.my_tasks, name="my-tasks"),
    path("tasks/queue/", views.department_queue, name="department-queue"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/act/", views.task_act, name="task-act"),
    path("tasks/<int:pk>/comment/", views.task_comment, name="task-comment"),
    path("tasks/<int:pk>/assign/", views.task_assign, name="task-assign"),
    path("tasks/<int:pk>/attachments/", views.task_attach, name="task-attach"),
    path("tasks/<int:pk>/participants/", views.task_participant, name="task-participant"),
    path("deals/<int:pk>/tasks/new/", views.task_new, name="task-new"),
    path("deals/<int:pk>/rule-preview/", views.rule_preview, name="rule-preview"),
    path("tower/", tower.control_tower, name="control-tower"),
    path("tower/export/", tower.control_tower_export, name="control-tower-export"),
]
