from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "meetpoint.participants"
    label = "participants"
