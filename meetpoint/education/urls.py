app_name = "education"
urlpatterns: list = []
