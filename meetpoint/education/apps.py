from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "meetpoint.education"
    label = "education"
