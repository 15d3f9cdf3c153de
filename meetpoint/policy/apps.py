from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "meetpoint.policy"
    label = "policy"
