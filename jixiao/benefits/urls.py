from django.urls import path

from jixiao.benefits import views

urlpatterns = [
    path("", views.cycle_list, name="cycle_list"),
    path("new/", views.cycle_create, name="cycle_create"),
    path("rules/", views.rules, name="cycle_rules"),
    path("<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("<int:pk>/progress/", views.cycle_progress, name="cycle_progress"),
    path("<int:pk>/moves/<str:name>/", views.cycle_move, name="cycle_move"),
    path("<int:pk>/allocate/", views.cycle_allocate, name="cycle_allocate"),
    path("<int:pk>/files/<str:name>", views.cycle_file, name="cycle_file"),
    path("<int:pk>/batches/", views.batch_create, name="cycle_batch_create"),
    path("<int:pk>/payments/", views.payment_list, name="cycle_payments"),
    path("batches/<int:pk>/files/<int:index>", views.batch_file, name="cycle_batch_file"),
    path("batches/<int:pk>/return/", views.batch_return, name="cycle_batch_return"),
    path("payments/<int:pk>/account/", views.payment_account, name="cycle_payment_account"),
    path("batches/<int:pk>/confirm/", views.batch_confirm, name="cycle_batch_confirm"),
]
